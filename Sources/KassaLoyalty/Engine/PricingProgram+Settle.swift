import KassaCore

extension PricingProgram {
    /// Decides which of a line's `count` candidate discounts it gets, under the stacking policy,
    /// and bounds the sum by the line's room (cap and floor). Leaves at the start of `local`
    /// only the rules that gave something, each with what it gave, highest priority first;
    /// returns how many.
    ///
    /// - best: the single largest discount.
    /// - additive: the stackable rules add up; their sum competes with the largest
    ///   non-stackable discount, and the larger wins.
    ///
    /// Ties go to the higher priority, then to the rule written first.
    ///
    /// `tally` is what `collect` learnt of the candidates as it wrote them.
    func settle(_ local: UnsafeMutableBufferPointer<Candidate>, count: Int, room: Int64, tally: CandidateTally) -> Int {
        let best = tally.best
        if ruleSet.stacking.policy == .additive {
            let stacked = tally.stacked, stackable = tally.stackable
            if stackable > 1, stacked > (stackables[local[best].rule] ? 0 : local[best].amount) {
                // The stackable ones, in rank order (a handful: insertion sort), each
                // giving what the room left allows.
                var kept = 0
                for index in 0..<count where stackables[local[index].rule] {
                    let candidate = local[index]
                    var hole = kept
                    while hole > 0, ranks(candidate.rule, before: local[hole - 1].rule) {
                        local[hole] = local[hole - 1]
                        hole -= 1
                    }
                    local[hole] = candidate
                    kept += 1
                }
                var left = min(stacked, room)
                var given = 0
                for index in 0..<kept {
                    var candidate = local[index]
                    candidate.amount = min(candidate.amount, left)
                    left -= candidate.amount
                    if candidate.amount > 0 {
                        local[given] = candidate
                        given += 1
                    }
                }
                return given
            }
        }
        let winner = local[best]
        let amount = min(winner.amount, room)
        guard amount > 0 else { return 0 }
        local[0] = Candidate(rule: winner.rule, level: winner.level, amount: amount)
        return 1
    }

    /// What `settle` needs to know of a line's candidates before choosing, kept as they are
    /// collected rather than found by walking them again.
    struct CandidateTally {
        /// The largest candidate (on a tie, the one that ranks first).
        var best = 0
        /// The sum of the stackable candidates, and how many there are.
        var stacked: Int64 = 0
        var stackable = 0

        /// Counts candidate `index`, the last one written to `local`.
        @inline(__always)
        mutating func add(_ index: Int, _ local: UnsafeMutableBufferPointer<Candidate>, _ program: PricingProgram) {
            let candidate = local[index]
            if index > 0 {
                let leader = local[best]
                if candidate.amount > leader.amount || (candidate.amount == leader.amount && program.ranks(candidate.rule, before: leader.rule)) {
                    best = index
                }
            }
            if program.stackables[candidate.rule] {
                stacked += candidate.amount
                stackable += 1
            }
        }
    }

    /// Totals, points and tier after the sale, the rules that gave something and the near misses.
    func finish(_ receipt: Receipt, customer: CustomerAccount?, standing: CustomerStanding?, facts: LineFacts,
                priced lines: consuming [PricedLine], active: [Bool],
                ruleDiscounts: UnsafeBufferPointer<Int64>, levelDiscount: (level: Int, amount: Int64)?,
                birthdayMultiplier: (rule: Int, factor: Int64)?, nearMisses: consuming [NearMiss]) throws(LedgerError) -> Quote {
        let lines = lines
        var nearMisses = nearMisses
        var total: Int64 = 0
        var earnBase: Int64 = 0
        for (index, line) in lines.enumerated() {
            total += line.net
            if !facts.lines[index].excluded { earnBase += line.net }
        }
        let programme = points(active)
        var spent: Int64 = 0
        var redeemableMax: Int64 = 0
        if let programme {
            spent = try PointsPayment.points(in: receipt.payments, minorUnitsPerPoint: programme.pointValue)
            let capAmount = total * programme.redeemCapBasisPoints / 10_000
            if spent * programme.pointValue > capAmount {
                throw LedgerError(.invalidField,
                                  "points may pay at most \(Money.decimalText(capAmount)) of this receipt (\(PricingProgram.percentText(programme.redeemCapBasisPoints)) of \(Money.decimalText(total)))",
                                  field: "payments")
            }
            redeemableMax = min(standing?.points ?? 0, capAmount / programme.pointValue)
        } else if receipt.payments.contains(where: { $0.method == .points }) {
            throw LedgerError(.invalidField, "the loyalty programme in force has no points; pay another way", field: "payments")
        }
        var pointsApplied: AppliedRule?, bonusApplied: AppliedRule?, tierApplied: AppliedRule?
        var earned: Int64 = 0
        var tierAfter: String?
        // Matching the optional rather than comparing it with nil, which copies the account.
        if case .some = customer, let standing {
            if let programme, let pointsRule {
                let paidInPoints = spent * programme.pointValue
                let base = max(0, earnBase - paidInPoints)
                let rate = pointsEarnRate(tierLevel: standing.tierLevel)
                let (plain, overflow) = (base / programme.earnEvery).multipliedReportingOverflow(by: rate)
                guard !overflow else { throw PricingProgram.pointsOverflow }
                earned = plain
                if plain > 0 { pointsApplied = AppliedRule(rule: pointsRule, level: nil, discount: 0, points: plain) }
                if let birthdayMultiplier, plain > 0 {
                    let (bonus, overflow) = plain.multipliedReportingOverflow(by: birthdayMultiplier.factor - 1)
                    guard !overflow, bonus <= Int64.max - earned else { throw PricingProgram.pointsOverflow }
                    earned += bonus
                    bonusApplied = AppliedRule(rule: birthdayMultiplier.rule, level: nil, discount: 0, points: bonus)
                }
            }
            if let ladder = ladder(active), let tiersRule {
                let after = standing.tierSpend + total
                let level = PricingProgram.level(of: after, in: ladder)
                tierAfter = ladder.levels[level].id
                if level + 1 < ladder.levels.count {
                    nearMisses.insert(.tier(rule: tiersRule, level: level + 1, missing: ladder.levels[level + 1].from - after), at: 0)
                }
            }
        }
        if let levelDiscount, let tiersRule {
            tierApplied = AppliedRule(rule: tiersRule, level: levelDiscount.level, discount: levelDiscount.amount, points: 0)
        }
        let applied = appliedRules(points: pointsApplied, bonus: bonusApplied, tier: tierApplied, ruleDiscounts: ruleDiscounts)
        let priced = PricedSale(lines: lines, pointsEarned: earned, pointsSpent: spent,
                                pointsExpired: standing?.pointsExpired ?? 0, rulesVersion: version, tier: tierAfter)
        return Quote(priced: priced, applied: applied, nearMisses: nearMisses, standing: standing, pointsRedeemableMax: redeemableMax)
    }

    /// The rules that gave something, in rank order: the rules are walked in that order, so
    /// nothing is sorted. A rule gives at most one of these (the points, the birthday bonus, the
    /// tier level's discount, a discount); were it ever to give more, they would follow in that
    /// order, as a stable sort would leave them.
    private func appliedRules(points: AppliedRule?, bonus: AppliedRule?, tier: AppliedRule?,
                              ruleDiscounts: UnsafeBufferPointer<Int64>) -> [AppliedRule] {
        var discounted = 0
        // With at most 64 rules, the rank positions of the rules that gave something are bits
        // of one word, walked lowest first: a handful of rules, not every rule of the set.
        let marked = ruleDiscounts.count <= UInt64.bitWidth
        var marks: UInt64 = 0
        for (rule, discount) in ruleDiscounts.enumerated() where discount > 0 {
            discounted += 1
            if marked { marks |= 1 << UInt64(rankPositions[rule]) }
        }
        var applied: [AppliedRule] = []
        applied.reserveCapacity(discounted + 3)
        // The rules of the three, or −1, compared as numbers on every rule.
        let pointsIndex = points?.rule ?? -1, bonusIndex = bonus?.rule ?? -1, tierIndex = tier?.rule ?? -1
        func add(_ rule: Int) {
            if rule == pointsIndex, let points { applied.append(points) }
            if rule == bonusIndex, let bonus { applied.append(bonus) }
            if rule == tierIndex, let tier { applied.append(tier) }
            let discount = ruleDiscounts[rule]
            if discount > 0 { applied.append(AppliedRule(rule: rule, level: nil, discount: discount, points: 0)) }
        }
        guard marked else {
            for rule in rankOrder { add(rule) }
            return applied
        }
        if pointsIndex >= 0 { marks |= 1 << UInt64(rankPositions[pointsIndex]) }
        if bonusIndex >= 0 { marks |= 1 << UInt64(rankPositions[bonusIndex]) }
        if tierIndex >= 0 { marks |= 1 << UInt64(rankPositions[tierIndex]) }
        while marks != 0 {
            add(rankOrder[marks.trailingZeroBitCount])
            marks &= marks - 1
        }
        return applied
    }

    /// Points beyond Int64: only a programme earning absurd rates on a huge basket gets here.
    static let pointsOverflow = LedgerError(.amountOverflow, "the points this receipt would earn do not fit; check the points rule's earn_every and rates", field: "lines")

    /// `12.5 %` from basis points.
    static func percentText(_ basisPoints: Int64) -> String {
        let whole = basisPoints / 100, fraction = basisPoints % 100
        if fraction == 0 { return "\(whole) %" }
        return fraction % 10 == 0 ? "\(whole).\(fraction / 10) %" : "\(whole).\(fraction < 10 ? "0" : "")\(fraction) %"
    }
}
