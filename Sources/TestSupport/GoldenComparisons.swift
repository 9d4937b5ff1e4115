import Testing

/// Compares a position's logits with a golden top-20: within `tolerance` on the ids both lists share, at least 18
/// shared, top-1 equal unless the golden margin there is below `topOneMargin`. Returns the max difference on shared ids.
@discardableResult
public func expectMatchesTop20(_ logits: [Float], golden: [(id: Int32, logit: Float)], tolerance: Float = ModelTolerance.top20VersusF32,
                        topOneMargin: Float = 0.1,
                        context: String, sourceLocation: SourceLocation = #_sourceLocation) -> Float {
    let order = logits.indices.sorted { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
    let ours = Set(order.prefix(20).map { Int32($0) })
    let shared = golden.filter { ours.contains($0.id) }
    #expect(shared.count >= 18, "\(context): only \(shared.count) of the golden top-20 ids are in ours", sourceLocation: sourceLocation)
    let worstShared = shared.map { abs(logits[Int($0.id)] - $0.logit) }.max() ?? 0
    #expect(worstShared <= tolerance, "\(context): max |logit - golden| on shared ids = \(worstShared)", sourceLocation: sourceLocation)
    if golden[0].logit - golden[1].logit >= topOneMargin {
        #expect(Int32(order[0]) == golden[0].id, "\(context): top-1 \(order[0]) != golden \(golden[0].id)", sourceLocation: sourceLocation)
    }
    return worstShared
}

/// The argmax of each row, ties to the lowest id.
public func argmaxRows(_ rows: [[Float]]) -> [Int32] {
    rows.map { r in Int32(r.indices.max { r[$0] != r[$1] ? r[$0] < r[$1] : $0 > $1 }!) }
}
