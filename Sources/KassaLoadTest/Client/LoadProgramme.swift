/// The loyalty programme a load test's own server runs: the shape of a hypermarket's (tiers,
/// points, birthday, regular customers, category and item promotions, a basket threshold), aimed
/// at the generated catalog so that quotes and sales do real pricing work.
enum LoadProgramme {
    static func document(for workload: Workload) -> String {
        // Promotions on some of the best sellers, as stores run them.
        let products = workload.catalog.products.filter { !$0.weighed && !$0.neverDiscounted }
        let percentOff = products.prefix(40).map { "\"\($0.sku)\"" }.joined(separator: ",")
        let fixed = products.dropFirst(40).prefix(10).map { "\"\($0.sku)\"" }.joined(separator: ",")
        let threeForTwo = products.dropFirst(50).prefix(30).map { "\"\($0.sku)\"" }.joined(separator: ",")
        return """
            {"programme": "Load test club",
             "stacking": {"policy": "additive", "cap_percent": 30},
             "exclusions": {"categories": ["tobacco", "alcohol"], "skus": []},
             "rules": [
              {"id": "tiers", "kind": "tiers", "name": "Tiers", "stackable": true, "window_days": 365,
               "levels": [{"id": "bronze", "name": "Bronze", "from": 0, "percent": 0},
                          {"id": "silver", "name": "Silver", "from": 2000000, "percent": 3},
                          {"id": "gold", "name": "Gold", "from": 6000000, "percent": 5}]},
              {"id": "points", "kind": "points", "name": "Points", "point_value": 100, "earn_every": 10000, "earn_points": 1,
               "earn_points_by_tier": {"silver": 2, "gold": 3}, "redeem_cap_percent": 50, "expiry_days": 365},
              {"id": "birthday", "kind": "birthday", "name": "Birthday", "stackable": true, "days_before": 3, "days_after": 3, "percent": 10},
              {"id": "regular", "kind": "regular_customer", "name": "Regular", "stackable": true, "visits": 4, "days": 30, "percent": 2},
              {"id": "dairy-15", "kind": "percent_off", "name": "Dairy week", "members_only": true, "categories": ["dairy"], "percent": 15},
              {"id": "snacks-3for2", "kind": "n_for_m", "name": "Snacks 3 for 2", "categories": ["snacks"], "buy": 3, "pay": 2},
              {"id": "top-10", "kind": "percent_off", "name": "Best sellers -10 %", "skus": [\(percentOff)], "percent": 10},
              {"id": "fixed", "kind": "fixed_price", "name": "Price of the week", "skus": [\(fixed)], "price": 9990},
              {"id": "three-for-two", "kind": "n_for_m", "name": "3 for 2", "skus": [\(threeForTwo)], "buy": 3, "pay": 2},
              {"id": "basket-3000", "kind": "basket_threshold", "name": "200 off from 3000", "spend": 300000, "amount": 20000},
              {"id": "welcome-5", "kind": "first_purchase", "name": "Welcome", "priority": 10, "percent": 5},
              {"id": "win-back-7", "kind": "win_back", "name": "We missed you", "inactive_days": 90, "percent": 7}
             ]}
            """
    }
}
