extension LlamaModel {
    /// What to tell someone whose tokens do not fit the cache: raise --ctx-size while it is below the model's
    /// context_length; at that limit only a shorter input helps, so saying "raise --ctx-size" would mislead.
    public var contextAdvice: String {
        cache.shape.ctx < config.contextLength
            ? "raise --ctx-size, at most \(config.contextLength)"
            : "\(cache.shape.ctx) is the model's context_length: shorten the input"
    }
}
