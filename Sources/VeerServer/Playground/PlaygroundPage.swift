/// Placeholder until the playground page lands (the lead replaces this file).
enum PlaygroundPage { static let html = "<!doctype html><title>Veer</title>" }
