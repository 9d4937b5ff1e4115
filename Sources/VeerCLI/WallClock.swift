import Foundation

/// Wall-clock timing of whole steps (loading a model, running a child process), in milliseconds.
enum WallClock {
    /// `body`'s result and how long it took.
    static func measure<T>(_ body: () throws -> T) rethrows -> (value: T, milliseconds: Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let value = try body()
        return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
}
