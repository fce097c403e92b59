import KassaCore

extension PricingProgram {
    /// A discount one rule offers one line.
    struct Candidate {
        var rule: Int
        /// The tier level for the tiers rule, else −1.
        var level: Int
        var amount: Int64
    }

    /// What pass one learns about a line.
    struct LineFact {
        /// `qty × price`.
        var amount: Int64
        /// Most discount the line may take: 0 when excluded, else bounded by the cap and its floor.
        var room: Int64
        /// Slots in `skuFacts` and `categoryFacts` (−1: none), kept instead of copies of the
        /// rule lists so that pass one retains nothing per line.
        var skuSlot: Int32
        var categorySlot: Int32
        var excluded: Bool
        /// Its SKU or category is targeted by an N-for-M rule.
        var inSets: Bool
    }

    /// What the rules priced on the whole basket (N-for-M sets, basket discounts) give each
    /// line, one row of line amounts per rule in one flat buffer on the stack: reading a line's
    /// share copies no array, and the rules write their rows in place.
    struct RuleShares {
        let lineCount: Int
        /// Room for one row per set and basket rule.
        let ruleSpace: UnsafeMutableBufferPointer<Int>
        let valueSpace: UnsafeMutableBufferPointer<Int64>
        /// How many rows are written.
        private(set) var count = 0
        /// How many of the first rows are N-for-M sets': only lines that can join sets have
        /// anything in them.
        private(set) var setRows = 0

        init(lineCount: Int, rules: UnsafeMutableBufferPointer<Int>, values: UnsafeMutableBufferPointer<Int64>) {
            self.lineCount = lineCount
            ruleSpace = rules
            valueSpace = values
        }

        /// The rules that wrote a row, in order.
        var rules: UnsafeBufferPointer<Int> { UnsafeBufferPointer(rebasing: ruleSpace[0..<count]) }

        /// What row `row` gives line `line`.
        @inline(__always)
        func value(row: Int, line: Int) -> Int64 {
            // Rows and lines are bounded by the space, so the index cannot overflow.
            valueSpace[row &* lineCount &+ line]
        }

        /// Marks the rows written so far as the sets' rows.
        mutating func endSetRows() { setRows = count }

        /// Adds a row of zeros for `rule` and lets `fill` write the row.
        mutating func add(_ rule: Int, _ fill: (UnsafeMutableBufferPointer<Int64>) -> Void) {
            precondition(count < ruleSpace.count && (count + 1) * lineCount <= valueSpace.count, "one row per set and basket rule at most")
            ruleSpace[count] = rule
            let row = UnsafeMutableBufferPointer(rebasing: valueSpace[count * lineCount..<(count + 1) * lineCount])
            row.initialize(repeating: 0)
            count += 1
            fill(row)
        }
    }

    /// A percentage every discountable line gets from the customer's standing (the tier
    /// level for the tiers rule, else −1). Structs rather than tuples in the arrays of a quote:
    /// an array of tuples looks its type up in the runtime at every allocation.
    struct Percent {
        var rule: Int
        var level: Int
        var basisPoints: Int64
    }

    /// A line taking part in an N-for-M rule.
    struct SetMember {
        var rule: Int
        var line: Int
    }

    /// A category the till sent, already matched to the rules' table of categories.
    struct KnownCategory {
        var key: String
        var slot: Int?
    }

    /// A catalog category a basket has met: its number in the catalog, its name and its slot in
    /// the rules' table of categories.
    struct CatalogCategory {
        var number: Int
        var name: String
        var slot: Int?
    }

    /// Entries of pass one's memo of catalog categories (a power of two): it is direct-mapped by
    /// the catalog's number, so a line finds its category's name and slot with one comparison.
    static let catalogCategoriesMemoSize = 16

    /// The rule keys of a stack of three to eight rules, sixteen bits each.
    struct StackKey: Equatable {
        var first: UInt64
        var second: UInt64
    }

    /// What pass one learns about each line, in one buffer on the stack.
    struct LineFacts {
        let lines: UnsafeBufferPointer<LineFact>
    }

    /// Where the targeted rules of line `index` by its SKU lie in `targetRules`.
    @inline(__always)
    func skuRules(_ facts: LineFacts, _ index: Int) -> Range<Int> {
        let slot = Int(facts.lines[index].skuSlot)
        return slot < 0 ? 0..<0 : skuFacts[slot: slot].rules
    }

    /// Where the targeted rules of line `index` by its category lie in `targetRules`.
    @inline(__always)
    func categoryRules(_ facts: LineFacts, _ index: Int) -> Range<Int> {
        let slot = Int(facts.lines[index].categorySlot)
        return slot < 0 ? 0..<0 : categoryFacts[slot: slot].rules
    }

    /// True when the rules at `range` of `targetRules` include `rule`.
    @inline(__always)
    func names(_ range: Range<Int>, _ rule: Int) -> Bool {
        for position in range where targetRules[position] == rule { return true }
        return false
    }

    /// Prices `receipt` for `customer` on local day `today`: the engine behind quotes, sales and
    /// the customer card. Pure: the same inputs give the same quote.
    ///
    /// Everything a quote works with but does not return (line facts, percentages, shares,
    /// discounts per rule) lives in buffers on the stack: a quote allocates little more than
    /// what it returns.
    ///
    /// `lookup`: the lines already looked up in a catalog, taken when it was `catalog`.
    public func quote(_ receipt: Receipt, customer: CustomerAccount?, catalog: Catalog, today: Int32,
                      lookup: CatalogLookup? = nil) throws(LedgerError) -> Quote {
        // Matching the optional rather than comparing it with nil, which copies the account.
        var member = false
        if case .some = customer { member = true }
        let active = activeRules(store: receipt.store, today: today, member: member)
        let standing = customer.map { self.standing(of: $0, today: today, active: active) }
        let lineCount = receipt.lines.count
        let outcome = withUnsafeTemporaryAllocation(of: LineFact.self, capacity: max(1, lineCount)) { factSpace in
            withUnsafeTemporaryAllocation(of: Percent.self, capacity: customerRules.count + 1) { percentSpace in
                withUnsafeTemporaryAllocation(of: Int64.self, capacity: max(1, ruleSet.rules.count)) { ruleDiscounts in
                    Result { () throws(LedgerError) -> Quote in
                        ruleDiscounts.initialize(repeating: 0)
                        let (facts, priced) = try lineFacts(receipt, catalog: catalog, lookup: lookup, into: factSpace)
                        return try price(receipt, customer: customer, standing: standing, active: active, today: today,
                                         facts: facts, priced: priced, percentSpace: percentSpace, ruleDiscounts: ruleDiscounts)
                    }
                }
            }
        }
        return try outcome.get()
    }

    /// The rest of `quote` once pass one has run: the customer's percentages, the basket-wide
    /// shares, then each line's candidates settled.
    private func price(_ receipt: Receipt, customer: CustomerAccount?, standing: CustomerStanding?, active: [Bool], today: Int32,
                       facts: LineFacts, priced: consuming [PricedLine], percentSpace: UnsafeMutableBufferPointer<Percent>,
                       ruleDiscounts: UnsafeMutableBufferPointer<Int64>) throws(LedgerError) -> Quote {
        var priced = priced
        var nearMisses: [NearMiss] = []
        // At most one each: the next tier, each customer rule, basket threshold and N-for-M set;
        // room for all of them at once, rather than growing the array as they come.
        nearMisses.reserveCapacity(1 + customerRules.count + basketRules.count + setRules.count)
        var birthdayMultiplier: (rule: Int, factor: Int64)?
        let percents = customerPercents(customer, standing: standing, active: active, today: today, into: percentSpace,
                                        nearMisses: &nearMisses, birthdayMultiplier: &birthdayMultiplier)
        let lineCount = facts.lines.count
        let rows = setRules.count + basketRules.count
        var levelDiscount: (level: Int, amount: Int64)?
        withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, rows)) { shareRules in
            withUnsafeTemporaryAllocation(of: Int64.self, capacity: max(1, rows * lineCount)) { shareValues in
                var shares = RuleShares(lineCount: lineCount, rules: shareRules, values: shareValues)
                setParts(receipt, facts: facts, active: active, into: &shares, nearMisses: &nearMisses)
                shares.endSetRows()
                basketParts(facts, standing: standing, active: active, into: &shares, nearMisses: &nearMisses)
                settleLines(receipt, facts: facts, percents: percents, shares: shares, active: active,
                            priced: &priced, ruleDiscounts: ruleDiscounts, levelDiscount: &levelDiscount)
            }
        }
        // The near misses handed over, not shared: `finish` puts the tier's first, and an array
        // still held here too was copied for it (three quotes in four).
        return try finish(receipt, customer: customer, standing: standing, facts: facts, priced: priced, active: active,
                          ruleDiscounts: UnsafeBufferPointer(ruleDiscounts), levelDiscount: levelDiscount,
                          birthdayMultiplier: birthdayMultiplier, nearMisses: consume nearMisses)
    }

    /// Each discountable line's candidates settled: its discount and rule ids, and what each
    /// rule (or tier level) gave over the basket.
    private func settleLines(_ receipt: Receipt, facts: LineFacts, percents: UnsafeBufferPointer<Percent>, shares: RuleShares,
                             active: [Bool], priced: inout [PricedLine], ruleDiscounts: UnsafeMutableBufferPointer<Int64>,
                             levelDiscount: inout (level: Int, amount: Int64)?) {
        // Every candidate a line can have: the customer's percentages, its SKU's and
        // category's rules and the basket-wide shares.
        let capacity = percents.count + lineTargetsMax + shares.count
        withUnsafeTemporaryAllocation(of: Candidate.self, capacity: max(1, capacity)) { local in
            withLongIDs { longIDs in
                receipt.lines.withUnsafeBufferPointer { posted in
                    priced.withUnsafeMutableBufferPointer { priced in
                        for index in 0..<facts.lines.count where facts.lines[index].room > 0 {
                            var tally = CandidateTally()
                            var count = collect(index, qty: posted[index].qty, facts: facts, percents: percents, shares: shares,
                                                active: active, into: local, tally: &tally)
                            guard count > 0 else { continue }
                            count = settle(local, count: count, room: facts.lines[index].room, tally: tally)
                            guard count > 0 else { continue }
                            var total: Int64 = 0
                            for candidate in local[0..<count] {
                                total += candidate.amount
                                if candidate.level >= 0 {
                                    levelDiscount = (candidate.level, (levelDiscount?.amount ?? 0) + candidate.amount)
                                } else {
                                    ruleDiscounts[candidate.rule] += candidate.amount
                                }
                            }
                            priced[index].discount = total
                            priced[index].rules = lineIDs(UnsafeBufferPointer(rebasing: local[0..<count]), &longIDs)
                        }
                    }
                }
            }
        }
    }

    /// The id arrays of lines with three to eight rules, made once per quote: the lines of a
    /// basket mostly repeat a few such stacks (tier, regular customer, a promotion and the
    /// basket discounts). Up to `longIDsMax` of them, kept on the stack.
    struct LongIDs {
        /// The stack's keys, sixteen bits each: the first four, then the next four.
        let keys: UnsafeMutableBufferPointer<StackKey>
        /// The id array of each key; the first `count` are initialized.
        let ids: UnsafeMutableBufferPointer<[String]>
        var count = 0
    }

    /// Most long stacks of rule ids remembered per quote.
    static let longIDsMax = 16

    /// Runs `body` with an empty `LongIDs` whose arrays are released when it returns.
    private func withLongIDs<R>(_ body: (inout LongIDs) -> R) -> R {
        withUnsafeTemporaryAllocation(of: StackKey.self, capacity: PricingProgram.longIDsMax) { keys in
            withUnsafeTemporaryAllocation(of: [String].self, capacity: PricingProgram.longIDsMax) { ids in
                var long = LongIDs(keys: keys, ids: ids)
                defer { UnsafeMutableBufferPointer(rebasing: ids[0..<long.count]).deinitialize() }
                return body(&long)
            }
        }
    }

    /// The rule ids a line carries for the candidates `settle` left: shared arrays for one or
    /// two rules, and one array per quote for each longer stack.
    private func lineIDs(_ local: UnsafeBufferPointer<Candidate>, _ long: inout LongIDs) -> [String] {
        let first = key(rule: local[0].rule, level: local[0].level)
        if local.count == 1 { return lineIDs(key: first) }
        if local.count == 2, !pairIDs.isEmpty {
            return pairIDs[first * keyCount + key(rule: local[1].rule, level: local[1].level)]
        }
        var packed = StackKey(first: 0, second: 0)
        let memo = local.count <= 8 && keyCount < 0xFFFF
        if memo {
            for (position, candidate) in local.enumerated() {
                let bits = UInt64(key(rule: candidate.rule, level: candidate.level) + 1)
                if position < 4 { packed.first = packed.first << 16 | bits } else { packed.second = packed.second << 16 | bits }
            }
            for found in 0..<long.count where long.keys[found] == packed { return long.ids[found] }
        }
        var ids: [String] = []
        ids.reserveCapacity(local.count)
        for candidate in local { ids.append(keyIDs[key(rule: candidate.rule, level: candidate.level)]) }
        if memo, long.count < PricingProgram.longIDsMax {
            long.keys[long.count] = packed
            long.ids.initializeElement(at: long.count, to: ids)
            long.count += 1
        }
        return ids
    }

    /// What the catalog says of a line's product, gathered for the whole basket first.
    struct ProductFacts {
        /// The category's number in the catalog (nil: read it from the product).
        var category: Int?
        var flags: Product.Flags
        /// False when the SKU is not in the catalog.
        var known: Bool
    }

    /// Pass one: each line's amount, category, exclusion, room and targeted rules.
    ///
    /// The basket's products, their catalog facts and their SKUs' slots in the rules' table are
    /// looked up in three tight loops before the lines are priced: each lookup is a likely cache
    /// miss, and loops that do nothing else let those misses overlap.
    private func lineFacts(_ receipt: Receipt, catalog: Catalog, lookup: CatalogLookup?,
                           into space: UnsafeMutableBufferPointer<LineFact>) throws(LedgerError) -> (LineFacts, [PricedLine]) {
        let count = receipt.lines.count
        precondition(space.count >= count, "one line fact per line")
        let outcome = receipt.lines.withUnsafeBufferPointer { posted in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: count) { numbers in
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: count) { hashes in
                    withUnsafeTemporaryAllocation(of: Int32.self, capacity: count) { skuSlots in
                        withUnsafeTemporaryAllocation(of: ProductFacts.self, capacity: count) { products in
                            if let lookup {
                                catalog.productNumbers(of: receipt.lines, into: numbers, hashes: hashes, lookup: lookup)
                            } else {
                                catalog.productNumbers(of: receipt.lines, into: numbers, hashes: hashes)
                            }
                            skuFacts.indices(count: count, key: { posted[$0].sku.code }, hashes: UnsafeBufferPointer(hashes), into: skuSlots)
                            for index in 0..<count {
                                let number = Int(numbers[index])
                                let facts = number >= 0 ? catalog.pricingFacts(number: number) : (category: nil, flags: [])
                                products.initializeElement(at: index, to: ProductFacts(category: facts.category, flags: facts.flags, known: number >= 0))
                            }
                            return lineFacts(posted, numbers: UnsafeBufferPointer(numbers), products: UnsafeBufferPointer(products),
                                             skuSlots: UnsafeBufferPointer(skuSlots), catalog: catalog, into: space)
                        }
                    }
                }
            }
        }
        return try outcome.get()
    }

    /// Pass one once the basket's lookups are done.
    private func lineFacts(_ posted: UnsafeBufferPointer<ReceiptLine>, numbers: UnsafeBufferPointer<Int32>,
                           products: UnsafeBufferPointer<ProductFacts>, skuSlots: UnsafeBufferPointer<Int32>, catalog: Catalog,
                           into space: UnsafeMutableBufferPointer<LineFact>) -> Result<(LineFacts, [PricedLine]), LedgerError> {
        let count = posted.count
        var priced: [PricedLine] = []
        priced.reserveCapacity(count)
        let cap = ruleSet.stacking.capBasisPoints
        // Read once: each use of a static option set from another module is a call.
        let neverDiscounted = Product.Flags.neverDiscounted
        // A basket's lines share a few categories: the ones looked up are remembered, by name
        // for categories the till sent and by the catalog's number for the others.
        var recentCategories: [KnownCategory] = []
        var subtotal: Int64 = 0
        func slot(ofCategory name: String) -> Int? {
            if let known = recentCategories.first(where: { $0.key == name }) { return known.slot }
            let slot = categoryFacts.index(of: name)
            if recentCategories.count < PricingProgram.recentCategoriesMax {
                if recentCategories.isEmpty { recentCategories.reserveCapacity(PricingProgram.recentCategoriesMax) }
                recentCategories.append(KnownCategory(key: name, slot: slot))
            }
            return slot
        }
        let memoSize = PricingProgram.catalogCategoriesMemoSize
        return withUnsafeTemporaryAllocation(of: CatalogCategory.self, capacity: memoSize) { memo in
            memo.initialize(repeating: CatalogCategory(number: -1, name: "", slot: nil))
            defer { memo.deinitialize() }
            for index in 0..<count {
                let qty = posted[index].qty, price = posted[index].price
                guard let amount = qty.amount(price: price) else {
                    return .failure(LedgerError(.amountOverflow, "qty × price does not fit in a minor-unit amount", field: "lines[\(index)]"))
                }
                // Bounding the basket first keeps every product below in 64 bits (a 30 % cap of an
                // amount, a points rate times what was paid); a sale this large is refused anyway.
                subtotal += amount
                guard subtotal <= Ledger.receiptTotalMax else {
                    return .failure(LedgerError(.amountOverflow, "the basket comes to more than \(Money.decimalText(Ledger.receiptTotalMax)), the largest receipt accepted", field: "lines"))
                }
                let product = products[index]
                let category: String
                var categorySlot: Int?
                if let given = posted[index].category {
                    category = given
                    if !categoryFacts.isEmpty { categorySlot = slot(ofCategory: given) }
                } else if let known = product.category {
                    let entry = known & (memoSize - 1)
                    if memo[entry].number != known {
                        let name = catalog.categoryName(number: known)
                        memo[entry] = CatalogCategory(number: known, name: name, slot: categoryFacts.isEmpty ? nil : categoryFacts.index(of: name))
                    }
                    category = memo[entry].name
                    categorySlot = memo[entry].slot
                } else {
                    category = product.known ? catalog.category(ofProduct: Int(numbers[index])) : ""
                    if !categoryFacts.isEmpty { categorySlot = slot(ofCategory: category) }
                }
                let skuSlot = Int(skuSlots[index])
                let sku = skuSlot >= 0 ? skuFacts[slot: skuSlot] : nil
                let group = categorySlot.map { categoryFacts[slot: $0] }
                let excluded = product.flags.contains(neverDiscounted) || sku?.excluded == true || group?.excluded == true
                var room: Int64 = 0
                if !excluded && amount > 0 {
                    // The cap rounds down: a 30 % cap never lets 30.01 % through.
                    room = cap >= 10_000 ? amount : amount * cap / 10_000
                    if let floor = sku?.floor, let floorAmount = qty.amount(price: floor) {
                        room = min(room, max(0, amount - floorAmount))
                    }
                }
                priced.append(PricedLine(amount: amount, discount: 0, rules: [], category: category))
                space.initializeElement(at: index, to: LineFact(amount: amount, room: room, skuSlot: Int32(skuSlot),
                                                              categorySlot: Int32(categorySlot ?? -1), excluded: excluded,
                                                              inSets: sku?.inSets == true || group?.inSets == true))
            }
            return .success((LineFacts(lines: UnsafeBufferPointer(rebasing: space[0..<count])), priced))
        }
    }

    /// Most categories the till sent that a basket's pass one remembers.
    static let recentCategoriesMax = 8

    /// Percentages every discountable line gets from the customer's standing: the tier, the
    /// regular-customer rule, the birthday. Also notes the birthday points multiplier.
    private func customerPercents(_ customer: CustomerAccount?, standing: CustomerStanding?, active: [Bool], today: Int32,
                                  into space: UnsafeMutableBufferPointer<Percent>, nearMisses: inout [NearMiss],
                                  birthdayMultiplier: inout (rule: Int, factor: Int64)?) -> UnsafeBufferPointer<Percent> {
        guard let customer, let standing else { return UnsafeBufferPointer(rebasing: space[0..<0]) }
        precondition(space.count > customerRules.count, "room for the tier and each customer rule")
        var count = 0
        func append(_ percent: Percent) {
            space.initializeElement(at: count, to: percent)
            count += 1
        }
        if let ladder = ladder(active), let tiersRule, let level = standing.tierLevel, ladder.levels[level].percentBasisPoints > 0 {
            append(Percent(rule: tiersRule, level: level, basisPoints: ladder.levels[level].percentBasisPoints))
        }
        for index in customerRules where active[index] {
            switch ruleSet.rules[index].kind {
            case .regularCustomer(let visits, let days, let basisPoints):
                let recent = customer.visits(lastDays: days, today: today)
                if recent >= visits {
                    append(Percent(rule: index, level: -1, basisPoints: basisPoints))
                } else {
                    // This sale is a visit too.
                    nearMisses.append(.regularCustomer(rule: index, visits: max(0, visits - recent - 1)))
                }
            case .birthday(let before, let after, let benefit):
                guard let delta = standing.birthdayInDays else { continue }
                if PricingProgram.inBirthdayWindow(delta, before: before, after: after) {
                    switch benefit {
                    case .percent(let basisPoints): append(Percent(rule: index, level: -1, basisPoints: basisPoints))
                    case .pointsMultiplier(let factor):
                        if factor > (birthdayMultiplier?.factor ?? 1) { birthdayMultiplier = (index, factor) }
                    }
                } else if let days = PricingProgram.daysToBirthdayOffer(delta, before: before) {
                    nearMisses.append(.birthday(rule: index, days: days))
                }
            default:
                continue
            }
        }
        return UnsafeBufferPointer(rebasing: space[0..<count])
    }

    /// How many days ahead a coming birthday offer is mentioned.
    static let birthdayNoticeDays: Int32 = 14

    /// Days until the offer of a birthday `delta` days away starts, when that is soon enough to
    /// mention (a near miss); nil otherwise.
    static func daysToBirthdayOffer(_ delta: Int32, before: Int32) -> Int32? {
        delta > before && delta - before <= birthdayNoticeDays ? delta - before : nil
    }

    /// N-for-M sets: of every `buy` units of the targeted piece goods the cheapest `buy − pay`
    /// are free. Weighed lines never form sets.
    private func setParts(_ receipt: Receipt, facts: LineFacts, active: [Bool], into shares: inout RuleShares,
                          nearMisses: inout [NearMiss]) {
        guard !setRules.isEmpty else { return }
        receipt.lines.withUnsafeBufferPointer { posted in
            // Each line that can join sets joins at most `lineSetTargetsMax` of them. Counting those
            // lines first keeps the buffer small enough for the stack: beyond a kilobyte it would
            // come from the heap.
            var candidates = 0
            for index in facts.lines.indices where PricingProgram.mayJoinSets(facts.lines[index], posted[index]) { candidates += 1 }
            guard candidates > 0 else { return }
            withUnsafeTemporaryAllocation(of: SetMember.self, capacity: candidates * lineSetTargetsMax) { space in
                let count = setMembers(posted, facts: facts, active: active, into: space)
                guard count > 0 else { return }
                let members = UnsafeMutableBufferPointer(rebasing: space[0..<count])
                setShares(members, posted: posted, into: &shares, nearMisses: &nearMisses)
            }
        }
    }

    /// Every (rule, line) pair of an active N-for-M rule and a whole-unit line it targets, ordered
    /// by rule and then the cheapest unit first; returns how many.
    private func setMembers(_ posted: UnsafeBufferPointer<ReceiptLine>, facts: LineFacts, active: [Bool],
                            into members: UnsafeMutableBufferPointer<SetMember>) -> Int {
        var count = 0
        var highestPrice: Int64 = 0
        for index in facts.lines.indices where PricingProgram.mayJoinSets(facts.lines[index], posted[index]) {
            let bySKU = skuRules(facts, index)
            var joined = false
            for position in bySKU {
                let rule = targetRules[position]
                if isSetRule[rule] && active[rule] {
                    members.initializeElement(at: count, to: SetMember(rule: rule, line: index))
                    count += 1
                    joined = true
                }
            }
            for position in categoryRules(facts, index) {
                let rule = targetRules[position]
                if isSetRule[rule] && active[rule] && !names(bySKU, rule) {
                    members.initializeElement(at: count, to: SetMember(rule: rule, line: index))
                    count += 1
                    joined = true
                }
            }
            // A negative price (never a checked one) takes the general sort.
            if joined { highestPrice = max(highestPrice, posted[index].price < 0 ? Int64.max : posted[index].price) }
        }
        if count > 0 { sortMembers(UnsafeMutableBufferPointer(rebasing: members[0..<count]), posted: posted, highestPrice: highestPrice) }
        return count
    }

    /// Whether a line may join N-for-M sets: targeted by one, discountable and in whole units.
    @inline(__always)
    static func mayJoinSets(_ fact: LineFact, _ line: ReceiptLine) -> Bool {
        fact.inSets && !fact.excluded && line.qty.isWhole
    }

    /// Each rule's free units given to its members, cheapest first, and the near misses of sets
    /// one unit short.
    private func setShares(_ members: UnsafeMutableBufferPointer<SetMember>, posted: UnsafeBufferPointer<ReceiptLine>,
                           into shares: inout RuleShares, nearMisses: inout [NearMiss]) {
        var start = 0
        while start < members.count {
            let rule = members[start].rule
            var end = start
            var units: Int64 = 0
            while end < members.count, members[end].rule == rule {
                units += posted[members[end].line].qty.thousandths / 1000
                end += 1
            }
            if case .nForM(_, let buy, let pay) = ruleSet.rules[rule].kind {
                if units % buy == buy - 1 { nearMisses.append(.nForM(rule: rule, units: 1)) }
                var free = units / buy * (buy - pay)
                if free > 0 {
                    shares.add(rule) { parts in
                        for member in members[start..<end] where free > 0 {
                            let take = min(free, posted[member.line].qty.thousandths / 1000)
                            parts[member.line] = take * posted[member.line].price
                            free -= take
                        }
                    }
                }
            }
            start = end
        }
    }

    /// Orders set members by rule, then the cheapest unit first (the earlier line on equal
    /// prices). Rule, price and line packed in one integer sort without a comparison closure;
    /// prices too large to pack (never a real one) take the general sort.
    private func sortMembers(_ members: UnsafeMutableBufferPointer<SetMember>, posted: UnsafeBufferPointer<ReceiptLine>,
                             highestPrice: Int64) {
        let lineBits = Int.bitWidth - posted.count.leadingZeroBitCount
        let priceBits = Int64.bitWidth - highestPrice.leadingZeroBitCount
        let ruleBits = Int.bitWidth - ruleSet.rules.count.leadingZeroBitCount
        guard lineBits + priceBits + ruleBits <= 64 else {
            var members = members
            members.sort { a, b in
                if a.rule != b.rule { return a.rule < b.rule }
                let pa = posted[a.line].price, pb = posted[b.line].price
                return pa != pb ? pa < pb : a.line < b.line
            }
            return
        }
        let lineMask = UInt64(1) << lineBits - 1
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: members.count) { buffer in
            let keys = buffer
            for (position, member) in members.enumerated() {
                keys[position] = UInt64(member.rule) << (priceBits + lineBits) | UInt64(posted[member.line].price) << lineBits | UInt64(member.line)
            }
            PricingProgram.sortKeys(keys)
            for (position, key) in keys.enumerated() {
                members[position] = SetMember(rule: Int(key >> (priceBits + lineBits)), line: Int(key & lineMask))
            }
        }
    }

    /// Most keys `sortKeys` sorts by insertion: a basket's set members are a few dozen at most,
    /// where the standard sort's setup (and beyond twenty keys its buffer from the heap) cost
    /// more than the sorting.
    static let insertionSortMax = 64

    /// Sorts distinct `keys` in increasing order.
    static func sortKeys(_ keys: UnsafeMutableBufferPointer<UInt64>) {
        guard keys.count <= insertionSortMax else {
            var keys = keys
            keys.sort()
            return
        }
        for index in keys.indices.dropFirst() {
            let key = keys[index]
            var hole = index
            while hole > 0, keys[hole - 1] > key {
                keys[hole] = keys[hole - 1]
                hole -= 1
            }
            keys[hole] = key
        }
    }

    /// Basket rules: each one's discount spread over the discountable lines by their amounts.
    private func basketParts(_ facts: LineFacts, standing: CustomerStanding?, active: [Bool], into shares: inout RuleShares,
                             nearMisses: inout [NearMiss]) {
        var subtotal: Int64 = 0
        for index in facts.lines.indices where !facts.lines[index].excluded { subtotal += facts.lines[index].amount }
        guard subtotal > 0 else { return }
        // Each line's weight and room, then the spreads' working room: one buffer for them all,
        // filled when a first rule gives something.
        let count = facts.lines.count
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: 4 * count) { lines in
            var filled = false
            for rule in basketRules where active[rule] {
                guard let amount = basketDiscount(rule, subtotal: subtotal, standing: standing, nearMisses: &nearMisses) else { continue }
                if !filled {
                    for (index, line) in facts.lines.enumerated() {
                        lines[index] = line.excluded ? 0 : line.amount
                        lines[count + index] = line.room
                    }
                    filled = true
                }
                let weights = UnsafeBufferPointer(rebasing: lines[0..<count])
                let rooms = UnsafeBufferPointer(rebasing: lines[count..<2 * count])
                let scratch = UnsafeMutableBufferPointer(rebasing: lines[2 * count..<4 * count])
                shares.add(rule) { parts in
                    LargestRemainder.spread(amount, weights: weights, room: rooms, into: parts, scratch: scratch)
                }
            }
        }
    }

    /// What basket rule `rule` takes off a basket of `subtotal` discountable goods (nil: nothing,
    /// with a near miss when the basket is at least half way to a threshold).
    private func basketDiscount(_ rule: Int, subtotal: Int64, standing: CustomerStanding?, nearMisses: inout [NearMiss]) -> Int64? {
        let benefit: BasketBenefit
        switch ruleSet.rules[rule].kind {
        case .basketThreshold(let spend, let offer):
            guard subtotal >= spend else {
                if subtotal * 2 >= spend { nearMisses.append(.basketThreshold(rule: rule, missing: spend - subtotal)) }
                return nil
            }
            benefit = offer
        case .firstPurchase(let offer):
            guard standing?.firstPurchase == true else { return nil }
            benefit = offer
        case .winBack(let days, let offer):
            guard let since = standing?.daysSinceLastVisit, since >= days else { return nil }
            benefit = offer
        default:
            return nil
        }
        let amount: Int64
        switch benefit {
        case .percent(let basisPoints): amount = Rounding.scale(subtotal, by: basisPoints, dividedBy: 10_000) ?? 0
        case .amount(let off): amount = min(off, subtotal)
        }
        return amount > 0 ? amount : nil
    }

    /// Every discount any rule offers line `index`.
    private func collect(_ index: Int, qty: Quantity, facts: LineFacts,
                         percents: UnsafeBufferPointer<Percent>, shares: RuleShares,
                         active: [Bool], into local: UnsafeMutableBufferPointer<Candidate>, tally: inout CandidateTally) -> Int {
        let amount = facts.lines[index].amount
        var count = 0
        func append(_ candidate: Candidate) {
            local[count] = candidate
            tally.add(count, local, self)
            count += 1
        }
        for percent in percents {
            append(Candidate(rule: percent.rule, level: percent.level, amount: PricingProgram.percent(amount, percent.basisPoints)))
        }
        let bySKU = skuRules(facts, index)
        for position in bySKU {
            let rule = targetRules[position]
            guard active[rule], let offered = lineOffer(rule, qty: qty, amount: amount) else { continue }
            append(Candidate(rule: rule, level: -1, amount: offered))
        }
        for position in categoryRules(facts, index) {
            let rule = targetRules[position]
            guard active[rule], !names(bySKU, rule), let offered = lineOffer(rule, qty: qty, amount: amount) else { continue }
            append(Candidate(rule: rule, level: -1, amount: offered))
        }
        // A line no set targets has nothing in the sets' rows.
        for row in (facts.lines[index].inSets ? 0 : shares.setRows)..<shares.count {
            let amount = shares.value(row: row, line: index)
            if amount > 0 { append(Candidate(rule: shares.ruleSpace[row], level: -1, amount: amount)) }
        }
        return count
    }

    /// What a targeted line rule offers a line (nil for rules priced on the whole basket).
    @inline(__always)
    private func lineOffer(_ rule: Int, qty: Quantity, amount: Int64) -> Int64? {
        switch lineOffers[rule] {
        case .percent(let basisPoints):
            return PricingProgram.percent(amount, basisPoints)
        case .amountOff(let off):
            let (product, overflow) = off.multipliedReportingOverflow(by: qty.thousandths)
            if !overflow, product >= 0, product <= Int64.max - 500 { return min(amount, (product + 500) / 1000) }
            return min(amount, Rounding.scale(off, by: qty.thousandths, dividedBy: 1000) ?? amount)
        case .fixedPrice(let price):
            guard let fixed = qty.amount(price: price) else { return nil }
            return max(0, amount - fixed)
        case .none:
            return nil
        }
    }

    /// `amount × basisPoints / 10000`, half-up (amounts and percentages are never negative).
    @inline(__always)
    static func percent(_ amount: Int64, _ basisPoints: Int64) -> Int64 {
        // Below 2^48 the product fits in 64 bits and the constant divisor compiles to a
        // multiplication; 128-bit division is only for amounts no till will ever send.
        if amount < 1 << 48, basisPoints <= 10_000 { return (amount * basisPoints + 5_000) / 10_000 }
        return Rounding.scale(amount, by: basisPoints, dividedBy: 10_000) ?? 0
    }
}
