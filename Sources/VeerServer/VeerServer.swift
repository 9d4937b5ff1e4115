/// `veer serve`'s HTTP side (see docs/serve.md). Placeholder until the routes land.
enum VeerServerModule {}
