import Hummingbird

/// GET /: the playground page (static, no data; it sends the API key its user types as a Bearer token).
enum PlaygroundRoute {
    static func register(on router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: PlaygroundPage.html)))
        }
    }
}
