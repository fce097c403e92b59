import KassaCore

extension PricingProgram {
    /// Which rules apply to a receipt of `store` on `today`, by rule index.
    public func activeRules(store: String, today: Int32, member: Bool) -> [Bool] {
        if let shared = member ? activeForMembers : activeForGuests { return shared }
        return ruleSet.rules.indices.map { isActive($0, store: store, today: today, member: member) }
    }

    /// Where `account` stands with the active rules on `today`, before any basket.
    public func standing(of account: CustomerAccount, today: Int32, active: [Bool]) -> CustomerStanding {
        var tierSpend: Int64 = 0
        var tierLevel: Int?
        if let ladder = ladder(active) {
            tierSpend = account.spend(lastDays: ladder.windowDays, today: today)
            tierLevel = PricingProgram.level(of: tierSpend, in: ladder)
        }
        var recentVisits: Int32 = 0
        for index in customerRules where active[index] {
            if case .regularCustomer(_, let days, _) = ruleSet.rules[index].kind {
                recentVisits = account.visits(lastDays: days, today: today)
                break
            }
        }
        var points = max(0, account.points)
        var expired: Int64 = 0
        if let expiry = self.points(active)?.expiryDays {
            // The balance lives as long as the customer keeps buying: it expires `expiry` days
            // after the last purchase (or the enrolment, before any).
            let last = account.lastVisitDay ?? account.profile.enrolledAt.localDay
            if today - last >= expiry, points > 0 {
                expired = points
                points = 0
            }
        }
        return CustomerStanding(
            tierSpend: tierSpend, tierLevel: tierLevel, recentVisits: recentVisits, points: points, pointsExpired: expired,
            birthdayInDays: account.profile.birthdate.map { PricingProgram.daysToBirthday($0, today: today) },
            firstPurchase: account.lastVisitDay == nil,
            daysSinceLastVisit: account.lastVisitDay.map { today - $0 })
    }

    /// Days from `today` to the nearest occurrence of the birthday `birth` (negative when it
    /// has just passed). Someone born on 29 February celebrates on the 28th in other years.
    static func daysToBirthday(_ birth: LocalDate, today: Int32) -> Int32 {
        let year = LocalDate(daysSinceEpoch: today).year
        var nearest = Int32.max
        for candidate in (year - 1)...(year + 1) {
            let day = birth.month == 2 && birth.day == 29 && !LocalDate.isLeap(candidate) ? 28 : birth.day
            guard let date = LocalDate(year: candidate, month: birth.month, day: day) else { continue }
            let delta = date.daysSinceEpoch - today
            // On a tie the coming one wins: a greeting rather than a belated one.
            if abs(delta) < abs(nearest) || (abs(delta) == abs(nearest) && delta > nearest) { nearest = delta }
        }
        return nearest
    }

    /// True when a birthday `delta` days away falls in the rule's window.
    static func inBirthdayWindow(_ delta: Int32, before: Int32, after: Int32) -> Bool {
        delta <= before && delta >= -after
    }
}
