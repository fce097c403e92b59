import Foundation
import KassaCore
import KassaLoyalty
import Testing

/// A document with the rules written as block mappings in `bodies`, one per rule.
private func document(rules bodies: String..., before header: String = "") -> String {
    let rules = bodies.map { body in
        "  - " + body.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n    ")
    }
    return header + "rules:\n" + rules.joined(separator: "\n") + "\n"
}

/// The error `text` is refused with, or nil when it parses.
private func refusal(_ text: String) -> RuleSetError? {
    do throws(RuleSetError) {
        _ = try RuleSetParser.parse(text)
        return nil
    } catch {
        return error
    }
}

/// `tree` written as JSON text, as a client would send it back.
private func jsonText(_ tree: [String: Any]) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: tree, options: [.sortedKeys])
    return try #require(String(data: data, encoding: .utf8))
}

extension RuleSetParserTests {
    /// A valid rule of one kind and what it must become.
    struct ValidKindCase: Sendable, CustomTestStringConvertible {
        let label: String
        let body: String
        let kind: Rule.Kind
        var testDescription: String { label }
    }

    static let validKindCases: [ValidKindCase] = [
        ValidKindCase(label: "tiers", body: """
            id: t
            kind: tiers
            window_days: 180
            levels:
              - {id: bronze, name: Бронза, from: 0, percent: 0}
              - {id: silver, from: 100000, percent: 2.5}
            """, kind: .tiers(TierLadder(windowDays: 180, levels: [
                TierLevel(id: "bronze", name: "Бронза", from: 0, percentBasisPoints: 0),
                TierLevel(id: "silver", name: "silver", from: 100_000, percentBasisPoints: 250),
            ]))),
        ValidKindCase(label: "tiers with the default window", body: """
            id: t
            kind: tiers
            levels: [{id: only, from: 0, percent: 1}]
            """, kind: .tiers(TierLadder(windowDays: 365, levels: [
                TierLevel(id: "only", name: "only", from: 0, percentBasisPoints: 100),
            ]))),
        ValidKindCase(label: "points", body: """
            id: p
            kind: points
            point_value: 50
            earn_every: 10000
            earn_points: 1
            redeem_cap_percent: 25.5
            expiry_days: 180
            """, kind: .points(PointsProgramme(pointValue: 50, earnEvery: 10_000, earnPoints: 1,
                                               redeemCapBasisPoints: 2_550, expiryDays: 180))),
        ValidKindCase(label: "points with defaults", body: """
            id: p
            kind: points
            earn_every: 10000
            earn_points: 2
            """, kind: .points(PointsProgramme(pointValue: 100, earnEvery: 10_000, earnPoints: 2,
                                               redeemCapBasisPoints: 10_000, expiryDays: nil))),
        ValidKindCase(label: "regular_customer", body: """
            id: regular
            kind: regular_customer
            visits: 4
            days: 30
            percent: 2
            """, kind: .regularCustomer(visits: 4, days: 30, percentBasisPoints: 200)),
        ValidKindCase(label: "birthday with a percentage", body: """
            id: bday
            kind: birthday
            days_before: 3
            days_after: 2
            percent: 10
            """, kind: .birthday(daysBefore: 3, daysAfter: 2, benefit: .percent(1_000))),
        ValidKindCase(label: "birthday with a points multiplier", body: """
            id: bday
            kind: birthday
            points_multiplier: 2
            """, kind: .birthday(daysBefore: 0, daysAfter: 0, benefit: .pointsMultiplier(2))),
        ValidKindCase(label: "percent_off", body: """
            id: dairy
            kind: percent_off
            skus: ["4601234567893"]
            categories: [dairy]
            percent: 12.5
            """, kind: .percentOff(Target(skus: ["4601234567893"], categories: ["dairy"]), percentBasisPoints: 1_250)),
        ValidKindCase(label: "amount_off", body: """
            id: meat
            kind: amount_off
            categories: [meat]
            amount: 5000
            """, kind: .amountOff(Target(categories: ["meat"]), amount: 5_000)),
        ValidKindCase(label: "fixed_price", body: """
            id: oil
            kind: fixed_price
            skus: [4607055612347, PLU-4011]
            price: 0
            """, kind: .fixedPrice(Target(skus: ["4607055612347", "PLU-4011"]), price: 0)),
        ValidKindCase(label: "n_for_m", body: """
            id: snacks
            kind: n_for_m
            categories: [snacks]
            buy: 3
            pay: 2
            """, kind: .nForM(Target(categories: ["snacks"]), buy: 3, pay: 2)),
        ValidKindCase(label: "basket_threshold with a percentage", body: """
            id: basket
            kind: basket_threshold
            spend: 300000
            percent: 5
            """, kind: .basketThreshold(spend: 300_000, benefit: .percent(500))),
        ValidKindCase(label: "basket_threshold with an amount", body: """
            id: basket
            kind: basket_threshold
            spend: 300000
            amount: 20000
            """, kind: .basketThreshold(spend: 300_000, benefit: .amount(20_000))),
        ValidKindCase(label: "first_purchase", body: """
            id: welcome
            kind: first_purchase
            amount: 10000
            """, kind: .firstPurchase(.amount(10_000))),
        ValidKindCase(label: "win_back", body: """
            id: back
            kind: win_back
            inactive_days: 90
            percent: 7
            """, kind: .winBack(inactiveDays: 90, benefit: .percent(700))),
    ]
}

@Suite("Rules documents parse into the model")
struct RuleSetParserTests {
    @Test(arguments: RuleSetParserTests.validKindCases)
    func eachKindLandsInTheModel(_ example: ValidKindCase) throws {
        let ruleSet = try RuleSetParser.parse(document(rules: example.body))
        let rule = try #require(ruleSet.rules.first)
        #expect(ruleSet.rules.count == 1)
        #expect(rule.kind == example.kind)
        #expect(rule.name == rule.id)
        #expect(rule.kindName == example.body.split(separator: "\n")[1].dropFirst("kind: ".count))
    }

    @Test(arguments: RuleSetParserTests.validKindCases)
    func jsonTreeParsesBackToTheSameRuleSet(_ example: ValidKindCase) throws {
        let ruleSet = try RuleSetParser.parse(document(rules: example.body))
        #expect(try RuleSetParser.parse(jsonText(ruleSet.jsonTree)) == ruleSet)
    }

    @Test func commonRuleFieldsLandInTheModel() throws {
        let ruleSet = try RuleSetParser.parse(document(rules: """
            id: dairy.week_2
            kind: percent_off
            name: Молочная неделя
            valid_from: 2026-03-01
            valid_to: "2026-03-07"
            stores: [MSK-001, "Склад №2"]
            priority: -1000
            stackable: true
            members_only: true
            categories: [dairy]
            percent: 15
            """))
        let rule = try #require(ruleSet.rules.first)
        #expect(rule == Rule(id: "dairy.week_2", name: "Молочная неделя", validFrom: LocalDate(year: 2026, month: 3, day: 1),
                             validTo: LocalDate(year: 2026, month: 3, day: 7), stores: ["MSK-001", "Склад №2"],
                             priority: -1_000, stackable: true, membersOnly: true,
                             kind: .percentOff(Target(categories: ["dairy"]), percentBasisPoints: 1_500)))
    }

    @Test func promotionsAreForEveryoneUnlessMarkedAndCustomerRulesAreForMembers() throws {
        let ruleSet = try RuleSetParser.parse(document(
            rules: "{id: promo, kind: amount_off, categories: [tea], amount: 100}",
            "{id: welcome, kind: first_purchase, percent: 5}",
            "{id: bday, kind: birthday, percent: 5, members_only: true}"))
        #expect(ruleSet.rules.map(\.membersOnly) == [false, true, true])
        #expect(ruleSet.rules.map(\.stackable) == [false, false, false])
        #expect(ruleSet.rules.map(\.priority) == [0, 0, 0])
    }

    @Test func documentSectionsLandInTheModel() throws {
        let ruleSet = try RuleSetParser.parse(document(rules: "{id: r, kind: first_purchase, percent: 1}", before: """
            programme: Клуб
            stacking: {policy: additive, cap_percent: 30}
            exclusions: {skus: ["4601234567893"], categories: [tobacco, alcohol]}
            floors:
              - {sku: "4606800123459", price: 3990}
              - {sku: PLU-4011, price: 0}

            """))
        #expect(ruleSet.programme == "Клуб")
        #expect(ruleSet.stacking == Stacking(policy: .additive, capBasisPoints: 3_000))
        #expect(ruleSet.exclusions == Exclusions(skus: ["4601234567893"], categories: ["tobacco", "alcohol"]))
        #expect(ruleSet.floors == [Floor(sku: "4606800123459", price: 3_990), Floor(sku: "PLU-4011", price: 0)])
    }

    @Test func omittedSectionsTakeTheirDefaults() throws {
        let ruleSet = try RuleSetParser.parse("rules: []")
        #expect(ruleSet == RuleSet())
        #expect(ruleSet.stacking == Stacking(policy: .best, capBasisPoints: 10_000))
    }

    @Test(arguments: [("3", 300), ("12.5", 1_250), ("0.25", 25), ("12.50", 1_250), ("0.01", 1), ("100", 10_000),
                      ("007", 700)] as [(String, Int64)])
    func percentagesAreStoredAsBasisPoints(written: String, basisPoints: Int64) throws {
        let ruleSet = try RuleSetParser.parse(document(rules: "{id: r, kind: first_purchase, percent: \(written)}"))
        #expect(ruleSet.rules.first?.kind == .firstPurchase(.percent(basisPoints)))
    }

    @Test func earnPointsByTierNamesLevelsOfTheTiersRule() throws {
        let ruleSet = try RuleSetParser.parse(document(
            rules: "{id: p, kind: points, earn_every: 10000, earn_points: 1, earn_points_by_tier: {silver: 2, gold: 3}}",
            "{id: t, kind: tiers, levels: [{id: bronze, from: 0, percent: 0}, {id: silver, from: 10, percent: 1}, "
                + "{id: gold, from: 20, percent: 2}]}"))
        guard case .points(let points) = ruleSet.rules[0].kind else {
            Issue.record("not a points rule: \(ruleSet.rules[0].kind)")
            return
        }
        #expect(points.earnPointsByTier == ["silver": 2, "gold": 3])
    }

    @Test func jsonInputIsAccepted() throws {
        let json = """
            {"programme": "Клуб", "stacking": {"policy": "additive", "cap_percent": 30},
             "rules": [{"id": "dairy", "kind": "percent_off", "categories": ["dairy"], "percent": 12.5,
                        "stackable": true, "valid_from": "2026-01-01"}]}
            """
        let yaml = document(rules: """
            id: dairy
            kind: percent_off
            categories: [dairy]
            percent: 12.5
            stackable: true
            valid_from: 2026-01-01
            """, before: "programme: Клуб\nstacking: {policy: additive, cap_percent: 30}\n")
        #expect(try RuleSetParser.parse(json) == RuleSetParser.parse(yaml))
    }

    @Test func everyPercentageSurvivesTheJSONRoundTrip() throws {
        // Percentages with decimals leave as Doubles; each must print back with at most two decimals.
        for first in stride(from: 1, through: 10_000, by: RuleSetParser.rulesMax) {
            let rules = (first..<min(first + RuleSetParser.rulesMax, 10_001)).map { basisPoints in
                Rule(id: "r\(basisPoints)", name: "r\(basisPoints)",
                     kind: .percentOff(Target(categories: ["c"]), percentBasisPoints: Int64(basisPoints)))
            }
            let ruleSet = RuleSet(rules: rules)
            #expect(try RuleSetParser.parse(jsonText(ruleSet.jsonTree)) == ruleSet)
        }
    }

    @Test func defaultProgrammeParses() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../config/loyalty.yaml").standardized
        let ruleSet = try RuleSetParser.parse(String(contentsOf: url, encoding: .utf8))
        #expect(ruleSet.stacking == Stacking(policy: .additive, capBasisPoints: 3_000))
        #expect(ruleSet.exclusions.categories == ["tobacco", "alcohol"])
        #expect(ruleSet.floors.count == 1)
        #expect(ruleSet.rules.map(\.kindName) == ["tiers", "points", "birthday", "regular_customer", "percent_off",
                                                  "n_for_m", "fixed_price", "basket_threshold", "first_purchase",
                                                  "win_back"])
        #expect(ruleSet.rules[0].kind == .tiers(TierLadder(windowDays: 365, levels: [
            TierLevel(id: "bronze", name: "Бронза", from: 0, percentBasisPoints: 0),
            TierLevel(id: "silver", name: "Серебро", from: 2_000_000, percentBasisPoints: 300),
            TierLevel(id: "gold", name: "Золото", from: 6_000_000, percentBasisPoints: 500),
        ])))
        #expect(ruleSet.rules[1].kind == .points(PointsProgramme(
            pointValue: 100, earnEvery: 10_000, earnPoints: 1, earnPointsByTier: ["silver": 2, "gold": 3],
            redeemCapBasisPoints: 5_000, expiryDays: 365)))
        #expect(try RuleSetParser.parse(jsonText(ruleSet.jsonTree)) == ruleSet)
    }
}

extension RuleSetParserTests {
    /// A document that must be refused, the field it must blame and words the message must hold.
    struct RefusalCase: Sendable, CustomTestStringConvertible {
        let label: String
        let text: String
        let field: String
        let fragments: [String]
        var testDescription: String { label }

        /// A refusal of a document with one rule, written as a flow mapping.
        static func rule(_ label: String, _ rule: String, field: String, _ fragments: String...) -> RefusalCase {
            RefusalCase(label: label, text: document(rules: rule), field: field, fragments: fragments)
        }

        /// A refusal of a whole document.
        static func text(_ label: String, _ text: String, field: String, _ fragments: String...) -> RefusalCase {
            RefusalCase(label: label, text: text, field: field, fragments: fragments)
        }
    }

    static let fieldRefusals: [RefusalCase] = [
        .rule("percent above 100", "{id: dairy-10, kind: percent_off, categories: [dairy], percent: 150}",
              field: "rules[0].percent",
              "rule 'dairy-10' (rules[0]): percent must be more than 0 and at most 100, got 150"),
        .rule("percent of 0", "{id: d, kind: percent_off, categories: [dairy], percent: 0}", field: "rules[0].percent",
              "rule 'd' (rules[0]): percent must be more than 0", "got 0"),
        .rule("negative percent", "{id: d, kind: first_purchase, percent: -5}", field: "rules[0].percent", "got -5"),
        .rule("quoted percent", "{id: d, kind: first_purchase, percent: '5'}", field: "rules[0].percent",
              "without quotes, got '5'"),
        .rule("percent as text", "{id: d, kind: first_purchase, percent: five}", field: "rules[0].percent", "got five"),
        .rule("percent in exponent notation", "{id: d, kind: first_purchase, percent: 1e1}", field: "rules[0].percent",
              "got 1e1"),
        .rule("fractional amount", "{id: m, kind: amount_off, categories: [meat], amount: 12.5}",
              field: "rules[0].amount", "rule 'm' (rules[0]): amount must be a whole number of minor units", "got 12.5"),
        .rule("quoted amount", "{id: m, kind: amount_off, categories: [meat], amount: \"500\"}", field: "rules[0].amount",
              "got '500'"),
        .rule("amount with underscores", "{id: m, kind: amount_off, categories: [meat], amount: 1_000}",
              field: "rules[0].amount", "got 1_000"),
        .rule("amount above the limit", "{id: m, kind: amount_off, categories: [meat], amount: 1000000000001}",
              field: "rules[0].amount", "at most 1000000000000 minor units, got 1000000000001"),
        .rule("huge amount", "{id: m, kind: amount_off, categories: [meat], amount: 99999999999999999999999}",
              field: "rules[0].amount", "got 99999999999999999999999"),
        .rule("negative price", "{id: o, kind: fixed_price, skus: [PLU-1], price: -1}", field: "rules[0].price",
              "from 0 to 1000000000000 minor units, got -1"),
        .rule("buy of 1", "{id: n, kind: n_for_m, categories: [s], buy: 1, pay: 1}", field: "rules[0].buy",
              "rule 'n' (rules[0]): buy must be from 2 to 100 units, got 1"),
        .rule("pay not below buy", "{id: n, kind: n_for_m, categories: [s], buy: 3, pay: 3}", field: "rules[0].pay",
              "pay must be from 1 to 2 units, got 3"),
        .rule("promotion without goods", "{id: n, kind: percent_off, percent: 5}", field: "rules[0]",
              "rule 'n' (rules[0]): needs goods to apply to"),
        .rule("promotion with empty lists", "{id: n, kind: percent_off, percent: 5, skus: [], categories: []}",
              field: "rules[0]", "needs goods to apply to"),
        .rule("both percent and amount", "{id: b, kind: basket_threshold, spend: 100, percent: 5, amount: 100}",
              field: "rules[0].amount", "rule 'b' (rules[0]): has both percent and amount; keep exactly one"),
        .rule("neither percent nor amount", "{id: w, kind: first_purchase}", field: "rules[0]",
              "rule 'w' (rules[0]): needs exactly one of percent or amount, got neither"),
        .rule("birthday days_before over 31", "{id: b, kind: birthday, days_before: 40, percent: 5}",
              field: "rules[0].days_before", "days_before must be from 0 to 31 days, got 40"),
        .rule("birthday multiplier of 1", "{id: b, kind: birthday, points_multiplier: 1}",
              field: "rules[0].points_multiplier", "from 2 to 100, got 1"),
        .rule("birthday with both benefits", "{id: b, kind: birthday, percent: 5, points_multiplier: 2}",
              field: "rules[0].points_multiplier", "has both percent and points_multiplier"),
        .rule("no visits", "{id: r, kind: regular_customer, visits: 0, days: 30, percent: 2}", field: "rules[0].visits",
              "from 1 to 1000 visits, got 0"),
        .rule("days beyond ten years", "{id: r, kind: regular_customer, visits: 2, days: 5000, percent: 2}",
              field: "rules[0].days", "from 1 to 3660 days, got 5000"),
        .rule("fractional days", "{id: r, kind: regular_customer, visits: 2, days: 1.5, percent: 2}",
              field: "rules[0].days", "whole number days, got 1.5"),
        .rule("win_back without inactive_days", "{id: w, kind: win_back, percent: 7}", field: "rules[0].inactive_days",
              "rule 'w' (rules[0]): inactive_days is required"),
        .rule("first tier not from 0", "{id: t, kind: tiers, levels: [{id: a, from: 500, percent: 0}]}",
              field: "rules[0].levels[0].from", "rule 't' (rules[0]): levels[0].from must be 0 for the first level"),
        .rule("tiers not ascending",
              "{id: t, kind: tiers, levels: [{id: a, from: 0, percent: 0}, {id: b, from: 100, percent: 1}, "
                  + "{id: c, from: 100, percent: 2}]}",
              field: "rules[0].levels[2].from", "levels[2].from must be more than the previous level's from (100)"),
        .rule("tiers without levels", "{id: t, kind: tiers, levels: []}", field: "rules[0].levels", "at least one level"),
        .rule("tier percent above 100", "{id: t, kind: tiers, levels: [{id: a, from: 0, percent: 101}]}",
              field: "rules[0].levels[0].percent", "from 0 to 100, got 101"),
        .rule("bad tier level id", "{id: t, kind: tiers, levels: [{id: 'gold tier', from: 0, percent: 1}]}",
              field: "rules[0].levels[0].id", "levels[0].id must be 1 to 64 letters", "got 'gold tier'"),
        .rule("tier window of 0 days", "{id: t, kind: tiers, window_days: 0, levels: [{id: a, from: 0, percent: 0}]}",
              field: "rules[0].window_days", "from 1 to 3660 days, got 0"),
        .rule("points without earn_points", "{id: p, kind: points, earn_every: 100}", field: "rules[0].earn_points",
              "rule 'p' (rules[0]): earn_points is required"),
        .rule("points earn_every of 0", "{id: p, kind: points, earn_every: 0, earn_points: 1}",
              field: "rules[0].earn_every", "more than 0"),
        .rule("redeem cap above 100", "{id: p, kind: points, earn_every: 100, earn_points: 1, redeem_cap_percent: 120}",
              field: "rules[0].redeem_cap_percent", "from 0 to 100, got 120"),
        .rule("rule id with a space", "{id: dairy 10, kind: first_purchase, percent: 1}", field: "rules[0].id",
              "rule at rules[0]: id must be 1 to 64 letters, digits, '.', '_' or '-'", "got 'dairy 10'"),
        .rule("rule id too long", "{id: \(String(repeating: "a", count: 65)), kind: first_purchase, percent: 1}",
              field: "rules[0].id", "id must be 1 to 64"),
        .rule("rule without id", "{kind: first_purchase, percent: 1}", field: "rules[0].id",
              "rule at rules[0]: id is required"),
        .rule("unknown kind", "{id: x, kind: percentoff, percent: 1}", field: "rules[0].kind",
              "rule 'x' (rules[0]): kind must be one of tiers, points,",
              "got 'percentoff' (did you mean 'percent_off'?)"),
        .rule("rule name too long", "{id: x, kind: first_purchase, percent: 1, name: \(String(repeating: "я", count: 101))}",
              field: "rules[0].name", "name must be 1 to 100 characters, got 101"),
        .rule("priority out of range", "{id: x, kind: first_purchase, percent: 1, priority: 5000}",
              field: "rules[0].priority", "from -1000 to 1000, got 5000"),
        .rule("hexadecimal priority", "{id: x, kind: first_purchase, percent: 1, priority: 0x10}",
              field: "rules[0].priority", "must be a whole number, got 0x10"),
        .rule("stackable as yes", "{id: x, kind: first_purchase, percent: 1, stackable: yes}",
              field: "rules[0].stackable", "must be true or false, got yes"),
        .rule("members_only false on a customer rule", "{id: x, kind: birthday, percent: 1, members_only: false}",
              field: "rules[0].members_only", "members_only cannot be false for a birthday rule"),
        .rule("empty store code", "{id: x, kind: first_purchase, percent: 1, stores: ['']}",
              field: "rules[0].stores[0]", "stores[0] must be 1 to 64 characters, got 0"),
        .rule("category with a tab", "{id: x, kind: percent_off, percent: 1, categories: [\"dai\\try\"]}",
              field: "rules[0].categories[0]", "must not contain control characters", "'dai\\try'"),
        .rule("SKU listed twice", "{id: x, kind: percent_off, percent: 1, skus: [PLU-1, PLU-2, PLU-1]}",
              field: "rules[0].skus[2]", "'PLU-1' is listed twice (also at skus[0])"),
        .rule("SKU with a space", "{id: x, kind: percent_off, percent: 1, skus: ['PLU 1']}", field: "rules[0].skus[0]",
              "'PLU 1' is not a SKU code"),
        .rule("stores not a list", "{id: x, kind: first_purchase, percent: 1, stores: MSK-001}", field: "rules[0].stores",
              "stores must be a list, got MSK-001"),
        .rule("rule written as text", "just-a-rule", field: "rules[0]", "rule at rules[0]: must be a mapping"),
        .text("stacking policy unknown", "stacking: {policy: max}\nrules: []", field: "stacking.policy",
              "stacking.policy must be 'best' or 'additive', got 'max'"),
        .text("stacking cap of 0", "stacking: {cap_percent: 0}\nrules: []", field: "stacking.cap_percent",
              "stacking.cap_percent must be more than 0"),
        .text("floor SKU twice", "floors: [{sku: PLU-1, price: 1}, {sku: PLU-1, price: 2}]\nrules: []",
              field: "floors[1].sku", "floors[1].sku 'PLU-1' already has a floor at floors[0]"),
        .text("fractional floor price", "floors: [{sku: PLU-1, price: 1.5}]\nrules: []", field: "floors[0].price",
              "got 1.5"),
        .text("floor without price", "floors: [{sku: PLU-1}]\nrules: []", field: "floors[0].price",
              "floors[0].price is required"),
        .text("programme name too long", "programme: \(String(repeating: "x", count: 101))\nrules: []",
              field: "programme", "programme must be at most 100 characters, got 101"),
        .text("rules missing", "programme: Клуб", field: "rules", "rules is required"),
        .text("empty document", "", field: "rules", "the document is empty"),
        .text("rules not a list", "rules: {id: x}", field: "rules", "rules must be a list, got a mapping"),
        .text("document is a list", "- rules", field: "", "the document must be a mapping", "got a list"),
        .text("key that is not text", "{[a]: 1, rules: []}", field: "", "has a key that is not text"),
    ]
}

extension RuleSetParserTests {
    @Test(arguments: RuleSetParserTests.fieldRefusals)
    func aWrongFieldIsReportedWithItsPathAndRule(_ example: RefusalCase) throws {
        let error = try #require(refusal(example.text))
        #expect(error.field == example.field, "\(error.message)")
        for fragment in example.fragments {
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test func unknownKeyIsRejected() throws {
        let error = try #require(refusal(document(rules: "{id: x, kind: percent_off, categories: [c], precent: 10}")))
        #expect(error.field == "rules[0].precent")
        #expect(error.message == "rule 'x' (rules[0]): unknown key 'precent' (did you mean 'percent'?); known keys: "
                    + "id, kind, name, valid_from, valid_to, stores, priority, stackable, members_only, skus, "
                    + "categories, percent")
    }

    @Test(arguments: [
        ("rule: []", "rule", "unknown key 'rule' (did you mean 'rules'?)"),
        ("stacking: {polcy: best}\nrules: []", "stacking.polcy", "stacking: unknown key 'polcy'"),
        ("exclusions: {brands: [x]}\nrules: []", "exclusions.brands", "exclusions: unknown key 'brands'"),
        ("rules: [{id: t, kind: tiers, levels: [{id: a, from: 0, percent: 0, pct: 1}]}]", "rules[0].levels[0].pct",
         "rule 't' (rules[0]): levels[0]: unknown key 'pct'"),
        ("rules: [{id: x, kind: first_purchase, percent: 1, spend: 100}]", "rules[0].spend",
         "unknown key 'spend'"),
        ("base: &b {kind: first_purchase}\nrules: []", "base", "unknown key 'base'"),
        ("rules: [{<<: {kind: first_purchase}, id: x, percent: 1}]", "rules[0].<<",
         "rule at rules[0]: uses a YAML merge key ('<<'), which is not supported"),
        ("rules: [{id: x, knd: first_purchase, percent: 1}]", "rules[0].knd",
         "rule 'x' (rules[0]): unknown key 'knd' (did you mean 'kind'?)"),
    ] as [(String, String, String)])
    func unknownKeyIsRejectedEverywhere(text: String, field: String, fragment: String) throws {
        let error = try #require(refusal(text))
        #expect(error.field == field, "\(error.message)")
        #expect(error.message.contains(fragment), "\(error.message)")
    }

    @Test func duplicateRuleIdIsRejected() throws {
        let error = try #require(refusal(document(rules: "{id: x, kind: first_purchase, percent: 1}",
                                                  "{id: x, kind: win_back, inactive_days: 30, percent: 1}")))
        #expect(error.field == "rules[1].id")
        #expect(error.message == "rule 'x' (rules[1]): id 'x' is already the id of rules[0]; ids must be unique "
                    + "across rules and tier levels")
    }

    @Test func ruleIdEqualToATierLevelsLineIdIsRejected() throws {
        // Level `gold` discounts lines as `tier-gold`, so no rule may take that id.
        let tiers = "{id: tiers, kind: tiers, levels: [{id: gold, from: 0, percent: 1}]}"
        let rule = "{id: tier-gold, kind: first_purchase, percent: 1}"
        let after = try #require(refusal(document(rules: tiers, rule)))
        #expect(after.field == "rules[1].id")
        #expect(after.message.contains("'tier-gold' is already the id of the tier level rules[0].levels[0]"))
        let before = try #require(refusal(document(rules: rule, tiers)))
        #expect(before.field == "rules[1].levels[0].id")
        #expect(before.message.contains("rule 'tiers' (rules[1]): levels[0].id 'tier-gold' is already the id of rules[0]"))
        // A level may share its own id with a rule: only the line id must be unique.
        #expect(refusal(document(rules: tiers, "{id: gold, kind: first_purchase, percent: 1}")) == nil)
    }

    @Test func duplicateTierLevelIdIsRejected() throws {
        let error = try #require(refusal(document(
            rules: "{id: t, kind: tiers, levels: [{id: a, from: 0, percent: 0}, {id: a, from: 1, percent: 1}]}")))
        #expect(error.field == "rules[0].levels[1].id")
    }

    @Test(arguments: ["2026-02-30", "2026-13-01", "01.03.2026", "2026-3-1", "tomorrow", "20260301"])
    func badDateIsRejected(written: String) throws {
        let error = try #require(refusal(document(rules: "{id: x, kind: first_purchase, percent: 1, valid_from: \(written)}")))
        #expect(error.field == "rules[0].valid_from")
        #expect(error.message == "rule 'x' (rules[0]): valid_from must be a date written YYYY-MM-DD, got '\(written)'")
    }

    @Test func validFromAfterValidToIsRejected() throws {
        let error = try #require(refusal(document(
            rules: "{id: x, kind: first_purchase, percent: 1, valid_from: 2026-05-01, valid_to: 2026-04-30}")))
        #expect(error.field == "rules[0].valid_to")
        #expect(error.message.contains("rule 'x' (rules[0]): valid_to 2026-04-30 is before valid_from 2026-05-01"))
        #expect(refusal(document(rules: "{id: x, kind: first_purchase, percent: 1, valid_from: 2026-05-01, "
                                     + "valid_to: 2026-05-01}")) == nil)
    }

    @Test func percentWithThreeDecimalsIsRejected() throws {
        let error = try #require(refusal(document(rules: "{id: x, kind: first_purchase, percent: 12.345}")))
        #expect(error.field == "rules[0].percent")
        #expect(error.message == "rule 'x' (rules[0]): percent must be a percentage with at most two decimals "
                    + "(3, 12.5, 0.25), got 12.345")
    }

    @Test func wrongEanCheckDigitIsRejected() throws {
        let inTarget = try #require(refusal(document(rules: "{id: x, kind: percent_off, percent: 1, skus: [\"4601234567890\"]}")))
        #expect(inTarget.field == "rules[0].skus[0]")
        #expect(inTarget.message == "rule 'x' (rules[0]): skus[0] '4601234567890' is not a valid EAN-13: its check digit "
                    + "should be 3, not 0")
        let inExclusions = try #require(refusal("exclusions: {skus: [\"46012341\"]}\nrules: []"))
        #expect(inExclusions.field == "exclusions.skus[0]")
        #expect(inExclusions.message.contains("not a valid EAN-8: its check digit should be 0, not 1"))
    }

    @Test func secondTiersRuleIsRejected() throws {
        let tiers = "{id: t1, kind: tiers, levels: [{id: a1, from: 0, percent: 0}]}"
        let error = try #require(refusal(document(rules: tiers, tiers.replacingOccurrences(of: "1", with: "2"))))
        #expect(error.field == "rules[1].kind")
        #expect(error.message.contains("rule 't2' (rules[1]): kind is tiers, but rules[0] is already the tiers rule"))
    }

    @Test func secondPointsRuleIsRejected() throws {
        let points = "{id: p1, kind: points, earn_every: 100, earn_points: 1}"
        let error = try #require(refusal(document(rules: points, points.replacingOccurrences(of: "p1", with: "p2"))))
        #expect(error.field == "rules[1].kind")
        #expect(error.message.contains("rules[0] is already the points rule"))
    }

    @Test func earnPointsByTierNamingAnUnknownTierIsRejected() throws {
        let tiers = "{id: t, kind: tiers, levels: [{id: bronze, from: 0, percent: 0}, {id: gold, from: 10, percent: 1}]}"
        let points = "{id: p, kind: points, earn_every: 100, earn_points: 1, earn_points_by_tier: {gold: 3, platinum: 5}}"
        let error = try #require(refusal(document(rules: points, tiers)))
        #expect(error.field == "rules[0].earn_points_by_tier.platinum")
        #expect(error.message == "rule 'p' (rules[0]): earn_points_by_tier.platinum names tier 'platinum', which is "
                    + "not a level of the tiers rule rules[1]; its levels are bronze, gold")
    }

    @Test func earnPointsByTierWithoutATiersRuleIsRejected() throws {
        let error = try #require(refusal(document(
            rules: "{id: p, kind: points, earn_every: 100, earn_points: 1, earn_points_by_tier: {gold: 3}}")))
        #expect(error.field == "rules[0].earn_points_by_tier.gold")
        #expect(error.message.contains("the rule set has no tiers rule"))
    }

    @Test func yamlSyntaxErrorGivesLineAndColumn() throws {
        let error = try #require(refusal("programme: Клуб\nrules: [{id: x, kind: first_purchase\n"))
        #expect(error.field == "")
        #expect(error.message.hasPrefix("the document is not valid YAML or JSON: line 3, column 1: "), "\(error.message)")
        let badIndent = try #require(refusal("rules:\n  - id: x\n   kind: y\n"))
        #expect(badIndent.message.contains("line 3, column"), "\(badIndent.message)")
    }

    @Test func nestingBeyondWhatYAMLAllowsIsASyntaxError() throws {
        let depth = 10_000
        let error = try #require(refusal("rules: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)))
        #expect(error.field == "")
        #expect(error.message.contains("nesting level"), "\(error.message)")
    }

    @Test func keyWrittenTwiceIsRejected() throws {
        let error = try #require(refusal("rules: []\nprogramme: a\nprogramme: b\n"))
        #expect(error.field == "")
        #expect(error.message.contains("key 'programme' is written more than once"), "\(error.message)")
        #expect(error.message.count < 200)
    }

    @Test func oversizeDocumentIsRejected() throws {
        let text = "rules: []\n" + String(repeating: "#", count: RuleSetParser.textBytesMax)
        let error = try #require(refusal(text))
        #expect(error.field == "")
        #expect(error.message.hasPrefix("the document is \(RuleSetParser.textBytesMax + 10) bytes; at most 1048576 bytes"))
    }

    @Test func tooManyRulesAreRejected() throws {
        let rules = (0...RuleSetParser.rulesMax).map { "  - {id: r\($0), kind: first_purchase, percent: 1}" }
        let error = try #require(refusal("rules:\n" + rules.joined(separator: "\n")))
        #expect(error.field == "rules")
        #expect(error.message == "rules has 1001 rules; at most 1000 are allowed")
    }

    @Test func tooLongListIsRejected() throws {
        let categories = (0...RuleSetParser.listEntriesMax).map { "c\($0)" }.joined(separator: ", ")
        let error = try #require(refusal(document(rules: "{id: x, kind: percent_off, percent: 1, categories: [\(categories)]}")))
        #expect(error.field == "rules[0].categories")
        #expect(error.message == "rule 'x' (rules[0]): categories has 10001 entries; at most 10000 are allowed")
    }

    @Test func aliasesCannotMultiplyTheDocumentPastItsBudget() throws {
        let categories = (0..<RuleSetParser.listEntriesMax).map { "c\($0)" }.joined(separator: ", ")
        let rules = (0..<10).map { "{id: r\($0), kind: percent_off, percent: 1, categories: *all}" }
        let text = document(rules: rules[0], rules[1], rules[2], rules[3], rules[4], rules[5], rules[6], rules[7],
                            rules[8], rules[9], before: "exclusions: {categories: &all [\(categories)]}\n")
        let error = try #require(refusal(text))
        #expect(error.field == "rules[8].categories")
        #expect(error.message.contains("past 100000 list entries"))
    }
}
