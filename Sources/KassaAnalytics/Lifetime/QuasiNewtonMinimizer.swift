/// BFGS with a strong-Wolfe line search: the method SciPy's `minimize` picks for lifetimes'
/// unbounded fits, on the same kind of small, smooth problems (3–4 log-parameters).
///
/// The objective returns its value and writes its gradient; a non-finite value means "outside
/// the region where the model is defined" and makes the line search step back.
struct QuasiNewtonMinimizer {
    /// Stop once every component of the gradient is at most this in magnitude.
    var gradientTolerance: Double
    /// Most iterations.
    var iterationsMax: Int

    /// Where the minimiser stopped, and why.
    struct Outcome {
        var point: [Double]
        var value: Double
        var gradient: [Double]
        var iterations: Int
        var evaluations: Int
        /// The gradient is within the tolerance.
        var converged: Bool
        /// No step along the search direction lowered the value any further, even with the
        /// curvature estimate started over: the value's rounding error has been reached.
        var stalled: Bool
    }

    /// An objective: the value at `point`, with its gradient written into `gradient`.
    typealias Objective = (_ point: [Double], _ gradient: inout [Double]) -> Double

    /// Minimises `objective` from `start`.
    func minimize(from start: [Double], _ objective: @escaping Objective) -> Outcome {
        let n = start.count
        var counted = CountedObjective(objective: objective)
        var x = start
        var g = [Double](repeating: 0, count: n)
        var f = counted.evaluate(x, &g)
        var inverseHessian = Self.identity(n)
        var iterations = 0
        var freshHessian = true
        var stalled = false
        while iterations < iterationsMax, f.isFinite, Self.maxMagnitude(g) > gradientTolerance {
            var direction = Self.multiply(inverseHessian, g).map { -$0 }
            if Self.dot(direction, g) >= 0 {
                // Rounding made the approximation lose positive definiteness: steepest descent.
                inverseHessian = Self.identity(n)
                direction = g.map { -$0 }
            }
            // SciPy's first step has length about 1 (in the gradient's units); after that the
            // BFGS step of 1 is the natural trial.
            let firstStep = iterations == 0 ? min(1, 1 / Self.norm(g)) : 1
            var search = StrongWolfeLineSearch(origin: x, direction: direction, value: f, gradient: g)
            guard let step = search.run(initialStep: firstStep, objective: &counted) else {
                if freshHessian {
                    stalled = true
                    break
                }
                // A stale curvature estimate can point nowhere useful: start it over once.
                inverseHessian = Self.identity(n)
                freshHessian = true
                continue
            }
            let s = zip(step.point, x).map { $0 - $1 }
            let y = zip(step.gradient, g).map { $0 - $1 }
            x = step.point
            f = step.value
            g = step.gradient
            iterations += 1
            freshHessian = false
            Self.update(&inverseHessian, s: s, y: y)
        }
        let converged = f.isFinite && Self.maxMagnitude(g) <= gradientTolerance
        return Outcome(point: x, value: f, gradient: g, iterations: iterations,
                       evaluations: counted.evaluations, converged: converged, stalled: stalled)
    }

    /// The BFGS update of the inverse Hessian, H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ, skipped when
    /// the curvature condition sᵀy > 0 fails (it would destroy positive definiteness).
    private static func update(_ h: inout [[Double]], s: [Double], y: [Double]) {
        let sy = dot(s, y)
        guard sy > 1e-300 * max(1, norm(s) * norm(y)) else { return }
        let rho = 1 / sy
        let hy = multiply(h, y)
        let yhy = dot(y, hy)
        let n = s.count
        for i in 0..<n {
            for j in 0..<n {
                h[i][j] += (1 + rho * yhy) * rho * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j])
            }
        }
    }

    private static func identity(_ n: Int) -> [[Double]] {
        (0..<n).map { i in (0..<n).map { $0 == i ? 1 : 0 } }
    }

    private static func multiply(_ m: [[Double]], _ v: [Double]) -> [Double] {
        m.map { dot($0, v) }
    }

    static func dot(_ u: [Double], _ v: [Double]) -> Double {
        zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }
    }

    private static func norm(_ v: [Double]) -> Double { dot(v, v).squareRoot() }

    private static func maxMagnitude(_ v: [Double]) -> Double {
        v.reduce(0) { max($0, abs($1)) }
    }
}

/// An objective that counts its evaluations.
struct CountedObjective {
    let objective: QuasiNewtonMinimizer.Objective
    var evaluations = 0

    mutating func evaluate(_ point: [Double], _ gradient: inout [Double]) -> Double {
        evaluations += 1
        return objective(point, &gradient)
    }
}
