import Foundation
import Kernels
import Llama
import Steering

extension BatchEngine {
    /// The engine thread: take work at a step boundary, then one prefill chunk and one decode step.
    func loop() {
        while true {
            let work = inbox.take(freeSlotCount: freeSlots.count, running: running.count)
            var ended: [Double] = []
            if work.stop {
                endAll(.shutdown, detail: "the engine stopped", into: &ended)
                break
            }
            var cancellationSteps: Int?
            if !work.cancelled.isEmpty {
                for r in running { if let at = work.cancelled[r.id] { cancellationSteps = max(cancellationSteps ?? 0, steps - at) } }
                end(where: { work.cancelled[$0.id] != nil }, .cancelled, into: &ended)
            }
            if let detail = work.shutdownDetail {
                endAll(.shutdown, detail: detail, into: &ended)
                for pending in work.admitted { pending.finish(.shutdown, detail: detail) }
                inbox.shutdownHandled()
            } else {
                admit(work.admitted, into: &ended)
            }
            do {
                try prefill()
                try decode(into: &ended)
            } catch {
                // A failed pass leaves the cache of every running request unknown: end them all, start afresh.
                endAll(.failed, detail: "the forward pass failed: \(error)", into: &ended)
                recorded = nil
            }
            inbox.record(active: running.count, freeSlots: freeSlots.count, steps: steps, finishedDurations: ended,
                         cancellationSteps: cancellationSteps)
        }
        inbox.record(active: 0, freeSlots: freeSlots.count, steps: steps, finishedDurations: [])
    }

    /// Gives each admitted request a slot; rebuilds the steering tables when a slot's steering changes.
    private func admit(_ admitted: [EngineInbox.Pending], into ended: inout [Double]) {
        guard !admitted.isEmpty else { return }
        var changed: [UInt64] = []
        for pending in admitted {
            let request = RunningRequest(pending, slot: freeSlots.removeFirst(), tokenizer: tokenizer)
            if slotSteering[request.slot] != request.request.steering {
                slotSteering[request.slot] = request.request.steering
                changed.append(request.id)
            }
            running.append(request)
        }
        guard !changed.isEmpty else { return }
        do {
            try rebuildSteering()
        } catch {
            // A steering that does not fit the model ends only the requests that brought it.
            let message = "\(error)"
            for id in changed { if let r = running.first(where: { $0.id == id }) { slotSteering[r.slot] = nil } }
            end(where: { changed.contains($0.id) && $0.request.steering != nil }, .failed,
                detail: "the steering does not fit the model: \(message)", into: &ended)
            do { try rebuildSteering() } catch {
                endAll(.failed, detail: "the steering tables could not be rebuilt: \(error)", into: &ended)
            }
        }
    }

    /// Device tables for every slot's steering (none when no slot is steered); the recorded step read the old ones.
    private func rebuildSteering() throws {
        recorded = nil
        steering = nil
        guard slotSteering.contains(where: { $0 != nil }) else { return }
        steering = try BatchSteering(model: model, sequences: slotSteering, cacheMode: .steeredPersist).forward
    }

    /// One pass of up to `prefillChunk` prompt rows of requests still prefilling (all but each prompt's last token,
    /// in arrival order), without logits.
    private func prefill() throws {
        var tokens: [Int32] = [], slots: [Int32] = [], positions: [Int32] = []
        for i in running.indices where running[i].prefillRemaining > 0 && tokens.count < prefillChunk {
            let take = min(prefillChunk - tokens.count, running[i].prefillRemaining)
            let start = running[i].prefilled
            tokens += running[i].request.prompt[start..<(start + take)]
            slots += [Int32](repeating: Int32(running[i].slot), count: take)
            positions += (start..<(start + take)).map(Int32.init)
            running[i].prefilled += take
        }
        guard !tokens.isEmpty else { return }
        try model.forward(ForwardBatch(tokens: tokens, slots: slots, positions: positions, logitRows: []), steering: steering)
    }

    /// One decode step over every request that is generating; sends each its token, ends those that are done.
    private func decode(into ended: inout [Double]) throws {
        let members = running.indices.filter { running[$0].isDecoding }
        guard !members.isEmpty else { return }
        let ids = members.map { running[$0].id }
        if recorded?.members != ids {
            let requests = members.map { running[$0].request }
            let selection = selectionBuffers.selection(for: requests, vocab: model.config.vocab)
            let step = try DecodeStep(model: model, slots: members.map { Int32(running[$0].slot) }, steering: steering,
                                      selection: selection)
            recorded = RecordedStep(members: ids, step: step,
                                    wantsLogprobs: requests.contains { $0.logprobs != nil })
        }
        let step = recorded!
        let tokens = members.map { running[$0].next }, positions = members.map { running[$0].nextPosition }
        let logits = try step.step.run(tokens: tokens, positions: positions)
        steps += 1
        let pass = ForwardBatch(tokens: tokens, slots: step.step.slots, positions: positions, logitRows: Array(tokens.indices))
        var samplers = members.map { running[$0].sampler }
        let (picks, candidates) = try model.pickTokens(selection: step.step.selection!, samplers: &samplers,
                                                       histories: members.map { running[$0].history }, pass: pass,
                                                       steering: steering)
        let lse = step.wantsLogprobs
            ? try selectionBuffers.logSumExp(model: model, logits: logits, candidates: candidates, rows: members.count) : nil
        let now = Date()
        var finished: [Int] = []
        for (row, i) in members.enumerated() {
            running[i].sampler = samplers[row]
            if deliver(picks[row], to: &running[i], row: row, candidates: candidates, lse: lse?[row], now: now) != nil {
                finished.append(i)
                ended.append(now.timeIntervalSince(running[i].submitted))
            }
        }
        for i in finished.reversed() { freeSlots.append(running.remove(at: i).slot) }
    }

    /// Sends a picked token (or the end) to its request; returns why the request ended, or nil when it goes on.
    private func deliver(_ pick: RowPick, to r: inout RunningRequest, row: Int, candidates: StepCandidates,
                         lse: Float?, now: Date) -> FinishReason? {
        let token: Int32
        switch pick {
        case .degenerate(var failure):
            failure.tokensBefore = Array(r.history.dropFirst(r.request.prompt.count))
            r.finish(.degenerate, trailingText: r.text.finish(), detail: failure.description, now: now)
            return .degenerate
        case .token(let id):
            token = id
        }
        r.generated += 1
        if r.firstToken == nil { r.firstToken = now }
        if stopTokens.contains(token) {
            r.finish(.stop, trailingText: r.text.finish(), now: now)
            return .stop
        }
        let (text, stopped) = r.text.add(token)
        var event = GeneratedToken(id: token, text: text)
        if let alternatives = r.request.logprobs, let lse {
            let row = candidates.row(row, count: candidates.stride)
            event.logprob = row.first { $0.id == token }.map { $0.logit - lse }
            event.topLogprobs = row.prefix(alternatives).map {
                TokenLogprob(id: $0.id, text: tokenizer.decode([$0.id]), logprob: $0.logit - lse)
            }
        }
        r.output.yield(.token(event))
        r.history.append(token)
        if stopped {
            r.finish(.stop, now: now)
            return .stop
        }
        // The next step would feed this token at position history.count − 1, which must fit the slot.
        if r.generated >= r.request.maxTokens || r.history.count > info.contextSize {
            r.finish(.length, trailingText: r.text.finish(), now: now)
            return .length
        }
        return nil
    }

    /// Ends the running requests that match, freeing their slots.
    private func end(where matches: (RunningRequest) -> Bool, _ reason: FinishReason, detail: String? = nil,
                     into ended: inout [Double]) {
        let now = Date()
        for i in running.indices.reversed() where matches(running[i]) {
            var r = running.remove(at: i)
            r.finish(reason, trailingText: r.text.finish(), detail: detail, now: now)
            ended.append(now.timeIntervalSince(r.submitted))
            freeSlots.append(r.slot)
        }
    }

    private func endAll(_ reason: FinishReason, detail: String, into ended: inout [Double]) {
        end(where: { _ in true }, reason, detail: detail, into: &ended)
    }
}
