// The publishes and settlements of one loop turn, encoded as AMQP frames into one buffer and
// written to the socket with one `send`, instead of rabbitmq-c's `send` per frame.

internal import CSwitchyardAMQP
import Foundation

/// A connection's outgoing frames between two writes. Owned by one ``ConnectionLoop`` and used
/// only on its thread.
///
/// Frames are laid out exactly as rabbitmq-c lays them out (type, channel, size, payload,
/// `0xCE`; method and property payloads encoded by rabbitmq-c's own `amqp_encode_method` and
/// `amqp_encode_properties`), so the bytes on the wire are the same; only the number of writes
/// changes. Whatever writes through rabbitmq-c directly (RPCs, heartbeats, `close-ok` replies)
/// must come after ``write(to:timeout:)``, or frames would overtake one another.
final class OutgoingFrames {
    /// Frame header (type, channel, size) and end marker.
    private static let headerSize = 7
    private static let frameOverhead = 8
    /// The room a method's arguments may take: `basic.publish` with two full short strings
    /// is 517 bytes; acks, nacks and rejects are 9 to 13.
    private static let methodRoom = 1024
    /// What the buffer shrinks back to after a large message went out.
    private static let keptCapacity = 64 * 1024
    /// The longest wait for room between calls of a write's `whileWaiting`.
    private static let waitSlice = Duration.milliseconds(250)

    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    /// Bytes waiting to be written.
    private(set) var count = 0
    /// Writes that reached the socket, one per non-empty ``write(to:timeout:)``.
    private(set) var writes = 0

    init() {
        capacity = Self.keptCapacity
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        storage.deallocate()
    }

    var isEmpty: Bool { count == 0 }

    /// Appends a method frame.
    /// - Parameters:
    ///   - method: The method's number (class and method id).
    ///   - arguments: The method's rabbitmq-c struct (`amqp_basic_publish_t`, ...).
    /// - Throws: ``AMQPError`` `invalidMessage` when rabbitmq-c can't encode the arguments;
    ///   nothing is appended then.
    func appendMethod(_ method: amqp_method_number_t, _ arguments: UnsafeMutableRawPointer, channel: UInt16) throws(AMQPError) {
        reserve(Self.frameOverhead + 4 + Self.methodRoom)
        let start = count
        storeFrameHeader(type: AMQP_FRAME_METHOD, channel: channel)
        store(method.bigEndian, at: count + Self.headerSize)
        let payload = storage + count + Self.headerSize + 4
        let encoded = amqp_encode_method(method, arguments, amqp_bytes_t(len: Self.methodRoom, bytes: payload))
        guard encoded >= 0 else {
            count = start
            throw AMQPError(.invalidMessage, "rabbitmq-c could not encode method \(method): \(ConnectionLoop.describe(encoded))", libraryStatus: encoded)
        }
        finishFrame(payloadSize: 4 + Int(encoded))
    }

    /// Appends a `basic.publish`: its method frame, its content header frame, then its body in
    /// frames of at most `frameMax` bytes.
    /// - Throws: ``AMQPError`` `invalidMessage` when rabbitmq-c can't encode the method or the
    ///   properties don't fit one frame; nothing is appended then.
    func appendPublish(
        _ publish: inout amqp_basic_publish_t, properties: inout amqp_basic_properties_t, body: UnsafeRawBufferPointer,
        channel: UInt16, frameMax: Int
    ) throws(AMQPError) {
        let start = count
        do throws(AMQPError) {
            try appendMethod(SY_BASIC_PUBLISH, &publish, channel: channel)
            try appendContentHeader(&properties, bodySize: body.count, channel: channel, frameMax: frameMax)
        } catch {
            count = start
            throw error
        }
        let fragmentLimit = frameMax - Self.frameOverhead
        var offset = 0
        while offset < body.count {
            let fragment = min(fragmentLimit, body.count - offset)
            reserve(Self.frameOverhead + fragment)
            storeFrameHeader(type: AMQP_FRAME_BODY, channel: channel)
            (storage + count + Self.headerSize).copyMemory(from: body.baseAddress! + offset, byteCount: fragment)
            finishFrame(payloadSize: fragment)
            offset += fragment
        }
    }

    private func appendContentHeader(
        _ properties: inout amqp_basic_properties_t, bodySize: Int, channel: UInt16, frameMax: Int
    ) throws(AMQPError) {
        reserve(frameMax)
        storeFrameHeader(type: AMQP_FRAME_HEADER, channel: channel)
        let payload = count + Self.headerSize
        store(UInt16(AMQP_BASIC_CLASS).bigEndian, at: payload)
        store(UInt16(0), at: payload + 2)  // weight
        store(UInt64(bodySize).bigEndian, at: payload + 4)
        let room = frameMax - Self.frameOverhead - 12
        let encoded = amqp_encode_properties(
            UInt16(AMQP_BASIC_CLASS), &properties, amqp_bytes_t(len: room, bytes: storage + payload + 12))
        guard encoded >= 0 else {
            throw AMQPError(.invalidMessage, "the message's properties do not fit one frame of \(frameMax) bytes", libraryStatus: encoded)
        }
        finishFrame(payloadSize: 12 + Int(encoded))
    }

    /// Forgets the frames not written (the connection ended).
    func discard() {
        count = 0
        shrinkIfLarge()
    }

    /// Writes every buffered frame to `socket` (non-blocking, as rabbitmq-c leaves it),
    /// waiting for room while the kernel's send buffer is full.
    /// - Parameter timeout: The longest wait for room before the connection is given up (a
    ///   broker that blocks a publishing connection that long, under a memory or disk alarm,
    ///   ends it too; rabbitmq-c would have waited as long as heartbeats kept arriving).
    /// - Parameter whileWaiting: Called every quarter of a second while the socket takes
    ///   nothing (the loop's turns can't run meanwhile).
    /// - Throws: ``AMQPError`` `connectionClosed` when the socket fails or takes nothing for
    ///   `timeout`; what was not written is discarded.
    func write(to socket: Int32, timeout: Duration, whileWaiting: () -> Void = {}) throws(AMQPError) {
        guard count > 0 else { return }
        defer { discard() }
        var offset = 0
        var waitingSince: ContinuousClock.Instant?
        while offset < count {
            let sent = send(socket, storage + offset, count - offset, Int32(MSG_NOSIGNAL))
            if sent > 0 {
                offset += sent
                waitingSince = nil
                continue
            }
            let code = errno
            if sent < 0 && code == EINTR { continue }
            guard sent < 0 && (code == EAGAIN || code == EWOULDBLOCK) else {
                throw AMQPError(
                    .connectionClosed, "writing to the broker: \(String(cString: strerror(code)))",
                    libraryStatus: AMQP_STATUS_SOCKET_ERROR.rawValue)
            }
            let now = ContinuousClock.now
            let since = waitingSince ?? now
            waitingSince = since
            let left = since + timeout - now
            guard left > .zero else {
                throw AMQPError(
                    .connectionClosed, "writing to the broker: it took no bytes for \(timeout.components.seconds) s",
                    libraryStatus: AMQP_STATUS_SOCKET_ERROR.rawValue)
            }
            var descriptor = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
            let wait = min(left, Self.waitSlice)
            let ready = poll(&descriptor, 1, Int32((wait / .milliseconds(1)).rounded(.up)))
            if ready < 0 {
                let code = errno
                guard code == EINTR else {
                    throw AMQPError(
                        .connectionClosed, "waiting to write to the broker: \(String(cString: strerror(code)))",
                        libraryStatus: AMQP_STATUS_SOCKET_ERROR.rawValue)
                }
            } else if ready == 0 {
                whileWaiting()
            }
        }
        writes += 1
    }

    // MARK: Layout

    private func reserve(_ bytes: Int) {
        guard count + bytes > capacity else { return }
        var grown = capacity
        while count + bytes > grown { grown *= 2 }
        resize(to: grown)
    }

    private func shrinkIfLarge() {
        if capacity > Self.keptCapacity * 4 { resize(to: Self.keptCapacity) }
    }

    private func resize(to newCapacity: Int) {
        let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        grown.copyMemory(from: storage, byteCount: count)
        storage.deallocate()
        storage = grown
        capacity = newCapacity
    }

    private func storeFrameHeader(type: Int32, channel: UInt16) {
        store(UInt8(type), at: count)
        store(channel.bigEndian, at: count + 1)
    }

    /// Writes the frame's size and end marker and counts its bytes.
    private func finishFrame(payloadSize: Int) {
        store(UInt32(payloadSize).bigEndian, at: count + 3)
        store(UInt8(AMQP_FRAME_END), at: count + Self.headerSize + payloadSize)
        count += Self.frameOverhead + payloadSize
    }

    private func store<T>(_ value: T, at offset: Int) {
        storage.storeBytes(of: value, toByteOffset: offset, as: T.self)
    }
}
