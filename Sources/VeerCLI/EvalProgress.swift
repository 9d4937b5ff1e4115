import Foundation

/// "eval copa [unsteered]: 320/1000 items, 41 s, about 1m 27s left" on stderr, at most every 5 seconds.
final class EvalProgress {
    private let label: String
    private let items: (Int) -> Int
    private let total: Int
    private let start = Date()
    private var lastShown = Date()

    /// `items` turns finished requests into finished items.
    init(label: String, items: @escaping (Int) -> Int, total: Int = -1) {
        self.label = label; self.items = items
        self.total = total >= 0 ? total : items(Int.max)
    }

    var report: (Int) -> Void {
        { [self] requests in
            let now = Date()
            guard now.timeIntervalSince(lastShown) >= 5 else { return }
            lastShown = now
            let done = items(requests)
            let elapsed = now.timeIntervalSince(start)
            let left = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
            Console.note("\(label): \(done)/\(total) items, \(Self.duration(elapsed)), about \(Self.duration(left)) left")
        }
    }

    func finish() {
        Console.note("\(label): \(total)/\(total) items in \(Self.duration(Date().timeIntervalSince(start)))")
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s < 60 ? "\(s) s" : s < 3600 ? "\(s / 60)m \(s % 60)s" : "\(s / 3600)h \(s / 60 % 60)m"
    }
}
