/// Turns a `ReceiptDocument` into the ESC/POS bytes of one printed receipt for one printer
/// profile, and gives the separate drawer kick the lane sends when cash was taken.
///
/// The receipt starts with `ESC @` (so a half line left by an interrupted job is dropped and
/// settings are known) and the profile's `ESC t`, and ends with the cut, which is where emupos
/// and a printer end the receipt. Text is laid out in the profile's columns of font A; the
/// totals are printed at double size and so get half the columns.
public struct ReceiptLayout: Sendable {
    /// The printer this layout is for.
    public let profile: PrinterProfile
    /// The fixed words.
    public let labels: ReceiptLabels
    /// The limits the encoder applies.
    public let limits: EscPosEncoder.Limits
    /// Lines an item name may take before it is cut.
    public static let nameLinesMax = 2

    /// A layout for `profile`.
    public init(profile: PrinterProfile, labels: ReceiptLabels = ReceiptLabels(), limits: EscPosEncoder.Limits = EscPosEncoder.Limits()) {
        self.profile = profile
        self.labels = labels
        self.limits = limits
    }

    /// The bytes of `document` as a receipt, cut at the end.
    public func receipt(_ document: ReceiptDocument) throws(EscPosError) -> [UInt8] {
        guard document.lines.count <= ReceiptDocument.linesMax else {
            throw EscPosError(.tooLong, "a receipt of \(document.lines.count) lines is longer than the limit of \(ReceiptDocument.linesMax)")
        }
        var encoder = EscPosEncoder(codePage: profile.codePage, limits: limits)
        encoder.initialize()
        encoder.selectCodePage(profile.codePage, tableNumber: profile.codePageNumber)
        try header(document, into: &encoder)
        for line in document.lines { try item(line, into: &encoder) }
        try totals(document, into: &encoder)
        try payments(document, into: &encoder)
        if let loyalty = document.loyalty { try points(loyalty, into: &encoder) }
        try ending(document, into: &encoder)
        return try encoder.finished()
    }

    /// The bytes that open the cash drawer on pin 2, sent on their own so the lane decides
    /// when (after a cash payment, not after a card payment).
    public func drawerKick(pin: EscPosEncoder.DrawerPin = .pin2) throws(EscPosError) -> [UInt8] {
        var encoder = EscPosEncoder(codePage: profile.codePage, limits: limits)
        try encoder.drawerKick(pin: pin)
        return try encoder.finished()
    }

    private var width: Int { profile.columns }

    private var separator: String { String(repeating: "-", count: width) }

    private func header(_ document: ReceiptDocument, into encoder: inout EscPosEncoder) throws(EscPosError) {
        encoder.align(.center)
        encoder.bold(true)
        for line in ReceiptText.wrapped(document.storeName, width: width, linesMax: 2) { try encoder.line(line) }
        encoder.bold(false)
        for address in document.addressLines { try encoder.line(ReceiptText.truncated(address, width: width)) }
        encoder.align(.left)
        try encoder.line(separator)
        try encoder.line(ReceiptText.columns("\(labels.terminal): \(document.terminal)", document.time, width: width))
        if let cashier = document.cashier { try encoder.line(ReceiptText.truncated("\(labels.cashier): \(cashier)", width: width)) }
        try encoder.line(ReceiptText.truncated("\(labels.receipt) № \(document.receiptId)", width: width))
        try encoder.line(separator)
    }

    private func item(_ line: ReceiptDocument.Line, into encoder: inout EscPosEncoder) throws(EscPosError) {
        for nameLine in ReceiptText.wrapped(line.name, width: width, linesMax: Self.nameLinesMax) { try encoder.line(nameLine) }
        let quantity = ReceiptText.quantity(line.quantity, weighed: line.weighed)
        let price = "  \(quantity) x \(ReceiptText.money(line.unitPrice))"
        try encoder.line(ReceiptText.columns(price, ReceiptText.money(line.amount), width: width))
        for discount in line.discounts {
            let rule = "  \(labels.discount) \"\(discount.rule)\""
            try encoder.line(ReceiptText.columns(rule, ReceiptText.money(-discount.amount), width: width))
        }
    }

    private func totals(_ document: ReceiptDocument, into encoder: inout EscPosEncoder) throws(EscPosError) {
        try encoder.line(separator)
        if document.totalDiscount != 0 {
            try encoder.line(ReceiptText.columns(labels.subtotal, ReceiptText.money(document.subtotal), width: width))
            try encoder.line(ReceiptText.columns(labels.totalDiscount, ReceiptText.money(-document.totalDiscount), width: width))
        }
        encoder.bold(true)
        try encoder.characterSize(width: 2, height: 2)
        try encoder.line(ReceiptText.columns(labels.total, ReceiptText.money(document.total), width: width / 2))
        try encoder.characterSize(width: 1, height: 1)
        encoder.bold(false)
    }

    private func payments(_ document: ReceiptDocument, into encoder: inout EscPosEncoder) throws(EscPosError) {
        for payment in document.payments {
            try encoder.line(ReceiptText.columns(payment.method, ReceiptText.money(payment.amount), width: width))
        }
        if document.change != 0 {
            try encoder.line(ReceiptText.columns(labels.change, ReceiptText.money(document.change), width: width))
        }
    }

    private func points(_ loyalty: ReceiptDocument.Loyalty, into encoder: inout EscPosEncoder) throws(EscPosError) {
        try encoder.line(separator)
        try encoder.line(ReceiptText.columns(labels.card, ReceiptText.maskedCard(loyalty.cardNumber), width: width))
        try encoder.line(ReceiptText.columns(labels.pointsEarned, ReceiptText.points(loyalty.pointsEarned), width: width))
        if loyalty.pointsSpent != 0 {
            try encoder.line(ReceiptText.columns(labels.pointsSpent, ReceiptText.points(loyalty.pointsSpent), width: width))
        }
        try encoder.line(ReceiptText.columns(labels.balance, ReceiptText.points(loyalty.balance), width: width))
    }

    private func ending(_ document: ReceiptDocument, into encoder: inout EscPosEncoder) throws(EscPosError) {
        try encoder.line(separator)
        encoder.align(.center)
        if document.registeredOffline {
            for line in ReceiptText.wrapped(labels.registeredOffline, width: width, linesMax: 2) { try encoder.line(line) }
        }
        for line in document.footer { try encoder.line(ReceiptText.truncated(line, width: width)) }
        if profile.supportsQRCode { try encoder.qrCode(document.receiptId, moduleSize: profile.paperWidth == .mm58 ? 3 : 4) }
        encoder.align(.left)
        if let cut = profile.cut {
            try encoder.cut(cut, feedLines: profile.feedLinesBeforeCut)
        } else {
            try encoder.feed(lines: profile.feedLinesBeforeCut)
        }
    }
}
