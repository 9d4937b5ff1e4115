/// A value for a JSON document: the number, or null where it is not finite (JSON has no NaN or infinity). The
/// analysis documents (sweep, prefutil) write degenerate rows this way.
func finiteOrNull(_ value: Double) -> Double? { value.isFinite ? value : nil }
