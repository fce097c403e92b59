import Foundation

/// The receipts the simulated printer rendered.
extension Emupos {
    /// Every receipt completed so far, in the order emupos completed them.
    ///
    /// The order comes from emupos's `printer.job.completed` events: the API sorts by completion
    /// time in milliseconds, which does not order two receipts cut in the same millisecond.
    func receipts() throws -> [RenderedReceipt] {
        try requireDevice(devices.hasPrinter, "a printer")
        return try events().filter { $0.device == EmuposConfiguration.printerID && $0.type == "printer.job.completed" }
            .map(receipt(completedBy:))
    }

    /// Waits until at least `count` receipts are complete, then returns all of them.
    func waitForReceipts(count: Int, timeoutSeconds: Double = 10) async throws -> [RenderedReceipt] {
        try await waitUntil("\(count) receipt(s)", timeoutSeconds: timeoutSeconds) { try self.receipts().count >= count }
        return try receipts()
    }

    /// The receipt a `printer.job.completed` event names: `job 3 · cut → printer-2026…-8b233f5d`.
    private func receipt(completedBy event: EmuposEvent) throws -> RenderedReceipt {
        let parts = event.summary.components(separatedBy: " → ")
        let boundaryText = parts.first?.components(separatedBy: " · ").last ?? ""
        guard parts.count == 2, let boundary = RenderedReceipt.Boundary(rawValue: boundaryText) else {
            throw EmuposError(.controlRequestFailed, "cannot read the job event '\(event.summary)'")
        }
        let id = parts[1]
        let base = URL(fileURLWithPath: receiptsDirectory).appendingPathComponent(id)
        let text = try String(contentsOfFile: base.path + ".txt", encoding: .utf8)
        let png = base.path + ".png"
        return RenderedReceipt(id: id, text: text, boundary: boundary,
                               pngPath: FileManager.default.fileExists(atPath: png) ? png : nil)
    }
}
