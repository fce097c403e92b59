import Foundation
import Hummingbird
import KassaCore
import KassaJournal
import KassaLoyalty

extension KassaServer {
    /// `POST /v1/quotes`, `GET /v1/rules` and `PUT /v1/rules`.
    func loyaltyRoutes(_ router: Router<KassaContext>) {
        route(router, .post, "/v1/quotes", roles: TillFastPath.Route.quote.roles) { request, _, storage in
            try self.quoteAnswer(try await self.bodyArray(request), storage: storage).response
        }
        // Lanes read the rules too: they price with them while the server is away.
        route(router, .get, "/v1/rules", roles: [.staff, .till]) { _, _, storage in
            let record = storage.committer.read { $0.rules }
            let ruleSet = record.map { self.pricing.program(for: $0).ruleSet }
            return json(.ok, tree: Wire.rules(record, ruleSet: ruleSet))
        }
        route(router, .put, "/v1/rules", roles: [.admin]) { request, context, storage in
            let document = try await self.text(request)
            // Checked here first so that a bad document costs no trip through the writer; the
            // writer checks again before journaling, as for every command.
            do throws(LedgerError) {
                try self.pricing.validate(rules: document)
            } catch {
                throw APIError(error)
            }
            let by = context.principal?.name ?? "?"
            return try await self.commit(.replaceRules(RulesChange(document: document, by: by)), storage: storage, created: .ok) { answer, w throws(APIError) in
                guard case .rules(let record) = answer else { throw .unexpectedAnswer }
                self.logger.notice("loyalty rules in force", metadata: ["version": "\(record.version)", "by": "\(record.by)"])
                w.object { w in
                    w.field("at", record.at.description)
                    w.field("by", record.by)
                    w.field("version", record.version)
                }
            }
        }
    }

    /// The answer to a `POST /v1/quotes` body: the basket priced under the read lock on the
    /// Ledger the next sale will be decided on, by the same engine, so a sale on the same state
    /// records exactly what this shows.
    func quoteAnswer(_ body: [UInt8], storage: Storage, memo: ConnectionMemo? = nil) throws(APIError) -> Answer {
        let receipt: Receipt
        if let read = SaleBodyReader.read(body, limits: wireLimits, defaultID: "quote") {
            receipt = read.receipt
            memo?.body = read
        } else {
            receipt = try Wire.basket(try JSONObject.parse(body), limits: wireLimits)
        }
        let today = receipt.at.localDay
        let result: Result<(Quote, PricingProgram?, QuotedPricing?), LedgerError> = storage.committer.read { ledger in
            Result { () throws(LedgerError) in
                let account = try ledger.checkBasket(receipt)
                let (quote, program) = try self.pricing.quote(receipt, customer: account, catalog: ledger.catalog, rules: ledger.rules, today: today)
                let quoted = memo == nil ? nil : QuotedPricing(receipt, account: account, on: ledger, priced: quote.priced)
                return (quote, program, quoted)
            }
        }
        switch result {
        case .success(let (quote, program, quoted)):
            memo?.last = quoted
            var writer = JSONWriter()
            Wire.quote(receipt, quote, program: program, card: receipt.customer, into: &writer)
            return Answer(.ok, writer)
        case .failure(let error):
            throw APIError(error)
        }
    }

    /// The offers on a customer card, by the rules in force (nil when there are none).
    func offers(_ account: CustomerAccount, ledger: borrowing Ledger, today: Int32) -> CustomerOffers? {
        guard let rules = ledger.rules else { return nil }
        return pricing.program(for: rules).offers(for: account, today: today)
    }

    /// The customer whose card number `text` names, with the discounts that apply today:
    /// what a lookup of `/v1/customers/{card}` answers from. Refused as not found when `text`
    /// is not a card number or the card is not enrolled.
    func customerOffers(_ text: String, storage: Storage) throws(APIError) -> FoundCustomer {
        guard let card = CardNumber(text) else { throw APIError(.notFound, "unknown_customer", "'\(text)' is not a card number") }
        let today = Storage.systemClock().localDay
        let found = storage.committer.read { ledger in
            ledger.customers.account(card).map { ($0, self.offers($0, ledger: ledger, today: today)) }
        }
        guard let (account, offers) = found else {
            throw APIError(.notFound, "unknown_customer", "card \(card) is not enrolled")
        }
        return FoundCustomer(card: card, account: account, offers: offers, today: today)
    }

    /// A staff member's lookup of `/v1/customers/{card}` once the read is audited: the full card
    /// with the customer's segment, the same bytes from the router and from `TillWire`.
    func customerCard(_ found: FoundCustomer, into w: inout JSONWriter) {
        Wire.customerCard(found.account, today: found.today, offers: found.offers, segment: cardSegment(found.card), into: &w)
    }

    /// A till's lookup of `/v1/customers/{card}`: the checkout summary, the same bytes from the
    /// router and from `TillWire`.
    func customerSummaryAnswer(_ text: String, storage: Storage) throws(APIError) -> Answer {
        let found = try customerOffers(text, storage: storage)
        var writer = JSONWriter()
        Wire.customerSummary(found.account, offers: found.offers, into: &writer)
        return Answer(.ok, writer)
    }

    /// The request body as UTF-8 text, within the configured size (a rules document).
    func text(_ request: Request) async throws -> String {
        let buffer = try await bodyBytes(request)
        guard buffer.readableBytes > 0 else { throw APIError.malformed("the request body is empty; send the rules document (YAML or JSON)") }
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw APIError.malformed("the request body is not valid UTF-8")
        }
        return text
    }

    /// At the first start of a data dir, puts the configured rules file in force; later, says
    /// so when the file no longer matches the rules in force (they change through the API).
    func seedRules(_ storage: Storage) throws {
        let path = configuration.rulesFile
        guard !path.isEmpty else { return }
        let current = storage.committer.read { $0.rules }
        guard FileManager.default.fileExists(atPath: path) else {
            if current == nil { logger.warning("no loyalty rules: \(path) does not exist; prices are list prices until PUT /v1/rules") }
            return
        }
        let document: String
        do {
            document = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(description: "cannot read the loyalty rules \(path): \(error)")
        }
        if let current {
            if let problem = pricing.problem(with: current) {
                logger.error("the loyalty rules in force (version \(current.version)) do not read with this build: \(problem.message) (\(problem.field ?? "rules")); sales and quotes use shelf prices without points until PUT /v1/rules puts a document in force")
            }
            if current.document != document {
                logger.notice("\(path) differs from the loyalty rules in force (version \(current.version), put by \(current.by) at \(current.at)); the file is read only at the first start, change the rules with PUT /v1/rules")
            }
            return
        }
        let outcome = storage.committer.submitAndWait(.replaceRules(RulesChange(document: document, by: "config")))
        switch outcome {
        case .done(.rules(let record), _):
            logger.info("loyalty rules from \(path) in force as version \(record.version)")
        case .rejected(let error):
            throw ConfigurationError(description: "the loyalty rules in \(path) are not valid: \(error.message)\(error.field.map { " (\($0))" } ?? ""); fix the file or set loyalty.rules_file to \"\" to start without rules")
        default:
            throw ConfigurationError(description: "the loyalty rules in \(path) could not be journaled: \(outcome)")
        }
    }
}

/// A customer looked up by card number, with the discounts that apply on `today`.
struct FoundCustomer: Sendable {
    var card: CardNumber
    var account: CustomerAccount
    var offers: CustomerOffers?
    var today: Int32
}
