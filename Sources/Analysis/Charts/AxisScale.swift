import Foundation

/// A linear axis over the data's range with round ticks (steps of 1, 2, 2.5 or 5 × 10^k, four to eight of them),
/// widened to include zero when the data sit on one side of it no farther from zero than their own span (so times
/// and rates read from zero, while a narrow band far from zero keeps its detail), and never empty.
public struct AxisScale: Sendable, Equatable {
    public let lower: Double
    public let upper: Double
    public let step: Double

    public init(covering values: [Double]) {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if low > 0, low <= high - low { low = 0 }
        if high < 0, -high <= high - low { high = 0 }
        if low == high {
            let pad = low == 0 ? 1 : abs(low) / 2
            low -= pad; high += pad
        }
        let rough = (high - low) / 5
        let power = pow(10, floor(log10(rough)))
        let step = [1.0, 2.0, 2.5, 5.0, 10.0].map { $0 * power }.first { $0 >= rough } ?? 10 * power
        self.step = step
        lower = floor(low / step) * step
        upper = ceil(high / step) * step
    }

    /// The tick values from `lower` to `upper`.
    public var ticks: [Double] {
        let count = Int(((upper - lower) / step).rounded())
        return (0...count).map { lower + Double($0) * step }
    }

    /// Where `value` falls on a pixel range from `start` (at `lower`) to `end` (at `upper`).
    public func position(_ value: Double, from start: Double, to end: Double) -> Double {
        start + (end - start) * (value - lower) / (upper - lower)
    }

    /// A tick label: integers plainly, other values with three significant digits.
    public static func label(_ v: Double) -> String {
        let clean = abs(v) < 1e-12 ? 0 : v
        return clean == clean.rounded() && abs(clean) < 1e6 ? String(Int(clean)) : String(format: "%.3g", clean)
    }
}
