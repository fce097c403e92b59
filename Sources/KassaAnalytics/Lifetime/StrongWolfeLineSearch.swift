/// A line search for a step that satisfies the strong Wolfe conditions (Nocedal & Wright,
/// algorithms 3.5 and 3.6), with SciPy's constants c1 = 1e-4 and c2 = 0.9.
struct StrongWolfeLineSearch {
    /// Sufficient decrease.
    static let c1 = 1e-4
    /// Curvature.
    static let c2 = 0.9
    /// Most trial steps before the search gives up.
    static let trialsMax = 60

    let origin: [Double]
    let direction: [Double]
    let value: Double
    let slope: Double

    /// The accepted step: its point, value and gradient.
    struct Step {
        var point: [Double]
        var value: Double
        var gradient: [Double]
        var slope: Double
        var length: Double
    }

    init(origin: [Double], direction: [Double], value: Double, gradient: [Double]) {
        self.origin = origin
        self.direction = direction
        self.value = value
        self.slope = QuasiNewtonMinimizer.dot(gradient, direction)
    }

    /// The step, or nil when none lowers the objective enough (at the limit of precision).
    mutating func run(initialStep: Double, objective: inout CountedObjective) -> Step? {
        guard slope < 0 else { return nil }
        var previous = Step(point: origin, value: value, gradient: [], slope: slope, length: 0)
        var length = initialStep
        for trial in 0..<Self.trialsMax {
            let step = evaluate(length, &objective)
            if !step.value.isFinite || step.value > value + Self.c1 * length * slope
                || (trial > 0 && step.value >= previous.value) {
                return zoom(low: previous, high: step, &objective)
            }
            if abs(step.slope) <= -Self.c2 * slope { return step }
            if step.slope >= 0 { return zoom(low: step, high: previous, &objective) }
            previous = step
            length *= 2
        }
        return nil
    }

    /// Narrows [low, high] (low satisfies sufficient decrease and has the lower value) until a
    /// step in it satisfies both conditions.
    private func zoom(low: Step, high: Step, _ objective: inout CountedObjective) -> Step? {
        var low = low
        var high = high
        for _ in 0..<Self.trialsMax {
            let length = interpolate(low, high)
            guard length != low.length, length != high.length else { break }
            let step = evaluate(length, &objective)
            if !step.value.isFinite || step.value > value + Self.c1 * length * slope || step.value >= low.value {
                high = step
                continue
            }
            if abs(step.slope) <= -Self.c2 * slope { return step }
            if step.slope * (high.length - low.length) >= 0 { high = low }
            low = step
        }
        // At the limit of precision: take the best point seen if it lowers the objective at all.
        return low.length > 0 && low.value < value ? low : nil
    }

    /// The minimiser of the quadratic through low's value and slope and high's value, kept
    /// away from the ends; the midpoint when high's value is not finite.
    private func interpolate(_ low: Step, _ high: Step) -> Double {
        let width = high.length - low.length
        let middle = low.length + width / 2
        guard high.value.isFinite else { return middle }
        let curvature = high.value - low.value - low.slope * width
        guard curvature > 0 else { return middle }
        let offset = -low.slope * width * width / (2 * curvature)
        let margin = 0.1 * abs(width)
        let lower = min(low.length, high.length) + margin
        let upper = max(low.length, high.length) - margin
        return min(max(low.length + offset, lower), upper)
    }

    private func evaluate(_ length: Double, _ objective: inout CountedObjective) -> Step {
        let point = zip(origin, direction).map { $0 + length * $1 }
        var gradient = [Double](repeating: 0, count: point.count)
        let value = objective.evaluate(point, &gradient)
        let slope = value.isFinite ? QuasiNewtonMinimizer.dot(gradient, direction) : .nan
        return Step(point: point, value: value, gradient: gradient, slope: slope, length: length)
    }
}
