// The loop's reusable C arena for outgoing frames: properties, headers and declare arguments
// are laid out here for the duration of one C call, then the arena is recycled.

internal import CSwitchyardAMQP
import Foundation

/// A rabbitmq-c `amqp_pool_t` reused for every outgoing method: after warm-up, laying out a
/// publish's properties and headers allocates nothing.
///
/// Owned by one ``ConnectionLoop`` and used only on its thread.
final class ScratchPool {
    private let pool: UnsafeMutablePointer<amqp_pool_t>

    init() {
        pool = .allocate(capacity: 1)
        init_amqp_pool(pool, 16 * 1024)
    }

    deinit {
        empty_amqp_pool(pool)
        pool.deallocate()
    }

    /// Frees every allocation made since the last recycle, keeping the pages for reuse.
    func recycle() {
        recycle_amqp_pool(pool)
    }

    /// Copies a string's UTF-8 bytes into the pool.
    func bytes(_ string: String) -> amqp_bytes_t {
        var string = string
        return string.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
    }

    /// Copies raw bytes into the pool.
    func bytes(_ source: UnsafeRawBufferPointer) -> amqp_bytes_t {
        guard source.count > 0 else { return amqp_bytes_t(len: 0, bytes: nil) }
        var out = amqp_bytes_t()
        amqp_pool_alloc_bytes(pool, source.count, &out)
        out.bytes.copyMemory(from: source.baseAddress!, byteCount: source.count)
        return out
    }

    /// Lays out a field table in the pool.
    func table(_ table: AMQPTable) -> amqp_table_t {
        self.table(table, adding: nil)
    }

    /// Lays out `table` with `extra` added (replacing an entry of the same key), without
    /// building the merged table.
    func table(_ table: AMQPTable, adding extra: (key: String, value: AMQPFieldValue)?) -> amqp_table_t {
        let replaced = extra.map { table[$0.key] != nil } ?? false
        let count = table.count + (extra == nil || replaced ? 0 : 1)
        guard count > 0 else { return amqp_table_t(num_entries: 0, entries: nil) }
        let entries: UnsafeMutablePointer<amqp_table_entry_t> = allocate(amqp_table_entry_t.self, count: count)
        var index = 0
        for (key, value) in table where key != extra?.key {
            entries[index] = amqp_table_entry_t(key: bytes(key), value: field(value))
            index += 1
        }
        if let extra {
            entries[index] = amqp_table_entry_t(key: bytes(extra.key), value: field(extra.value))
        }
        return amqp_table_t(num_entries: Int32(count), entries: entries)
    }

    private func field(_ value: AMQPFieldValue) -> amqp_field_value_t {
        var field = amqp_field_value_t()
        func kind(_ kind: amqp_field_value_kind_t) { field.kind = UInt8(kind.rawValue) }
        switch value {
        case .bool(let v): kind(AMQP_FIELD_KIND_BOOLEAN); field.value.boolean = v ? 1 : 0
        case .int8(let v): kind(AMQP_FIELD_KIND_I8); field.value.i8 = v
        case .uint8(let v): kind(AMQP_FIELD_KIND_U8); field.value.u8 = v
        case .int16(let v): kind(AMQP_FIELD_KIND_I16); field.value.i16 = v
        case .uint16(let v): kind(AMQP_FIELD_KIND_U16); field.value.u16 = v
        case .int32(let v): kind(AMQP_FIELD_KIND_I32); field.value.i32 = v
        case .uint32(let v): kind(AMQP_FIELD_KIND_U32); field.value.u32 = v
        case .int64(let v): kind(AMQP_FIELD_KIND_I64); field.value.i64 = v
        case .uint64(let v): kind(AMQP_FIELD_KIND_U64); field.value.u64 = v
        case .float(let v): kind(AMQP_FIELD_KIND_F32); field.value.f32 = v
        case .double(let v): kind(AMQP_FIELD_KIND_F64); field.value.f64 = v
        case .decimal(let scale, let v):
            kind(AMQP_FIELD_KIND_DECIMAL)
            field.value.decimal = amqp_decimal_t(decimals: scale, value: v)
        case .string(let v): kind(AMQP_FIELD_KIND_UTF8); field.value.bytes = bytes(v)
        case .bytes(let v):
            kind(AMQP_FIELD_KIND_BYTES)
            field.value.bytes = v.withUnsafeBytes { bytes($0) }
        case .timestamp(let v): kind(AMQP_FIELD_KIND_TIMESTAMP); field.value.u64 = v
        case .array(let values):
            kind(AMQP_FIELD_KIND_ARRAY)
            let entries: UnsafeMutablePointer<amqp_field_value_t>? = allocate(amqp_field_value_t.self, count: values.count)
            for (index, element) in values.enumerated() { entries![index] = self.field(element) }
            field.value.array = amqp_array_t(num_entries: Int32(values.count), entries: entries)
        case .table(let nested): kind(AMQP_FIELD_KIND_TABLE); field.value.table = table(nested)
        case .void: kind(AMQP_FIELD_KIND_VOID)
        }
        return field
    }

    private func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T>! {
        guard count > 0 else { return nil }
        let raw = amqp_pool_alloc(pool, MemoryLayout<T>.stride * count)!
        return raw.bindMemory(to: T.self, capacity: count)
    }
}

extension AMQPFieldValue {
    /// Copies a decoded C field value (owned by rabbitmq-c's frame pool) into Swift.
    /// - Parameter depth: How deep the table or array holding the value is (the headers: 1).
    ///   A table or array that would lie deeper than ``maximumDepth`` becomes ``cutOff``.
    init(copying field: amqp_field_value_t, depth: Int) {
        switch amqp_field_value_kind_t(rawValue: UInt32(field.kind)) {
        case AMQP_FIELD_KIND_BOOLEAN: self = .bool(field.value.boolean != 0)
        case AMQP_FIELD_KIND_I8: self = .int8(field.value.i8)
        case AMQP_FIELD_KIND_U8: self = .uint8(field.value.u8)
        case AMQP_FIELD_KIND_I16: self = .int16(field.value.i16)
        case AMQP_FIELD_KIND_U16: self = .uint16(field.value.u16)
        case AMQP_FIELD_KIND_I32: self = .int32(field.value.i32)
        case AMQP_FIELD_KIND_U32: self = .uint32(field.value.u32)
        case AMQP_FIELD_KIND_I64: self = .int64(field.value.i64)
        case AMQP_FIELD_KIND_U64: self = .uint64(field.value.u64)
        case AMQP_FIELD_KIND_F32: self = .float(field.value.f32)
        case AMQP_FIELD_KIND_F64: self = .double(field.value.f64)
        case AMQP_FIELD_KIND_DECIMAL:
            self = .decimal(scale: field.value.decimal.decimals, value: field.value.decimal.value)
        case AMQP_FIELD_KIND_UTF8: self = .string(String(copying: field.value.bytes))
        case AMQP_FIELD_KIND_BYTES: self = .bytes([UInt8](copying: field.value.bytes))
        case AMQP_FIELD_KIND_TIMESTAMP: self = .timestamp(field.value.u64)
        case AMQP_FIELD_KIND_ARRAY where depth >= Self.maximumDepth, AMQP_FIELD_KIND_TABLE where depth >= Self.maximumDepth:
            self = Self.cutOff
        case AMQP_FIELD_KIND_ARRAY:
            let array = field.value.array
            self = .array((0..<Int(array.num_entries)).map { AMQPFieldValue(copying: array.entries[$0], depth: depth + 1) })
        case AMQP_FIELD_KIND_TABLE: self = .table(AMQPTable(copying: field.value.table, depth: depth + 1))
        default: self = .void
        }
    }
}

extension AMQPTable {
    /// Copies a decoded C field table into Swift.
    /// - Parameter depth: How deep the table is (the headers: 1); see
    ///   ``AMQPFieldValue/maximumDepth``.
    init(copying table: amqp_table_t, depth: Int = 1) {
        self.init(minimumCapacity: Int(table.num_entries))
        for index in 0..<Int(table.num_entries) {
            let entry = table.entries[index]
            self[String(copying: entry.key)] = AMQPFieldValue(copying: entry.value, depth: depth)
        }
    }
}

extension String {
    /// Copies rabbitmq-c bytes (frame-pool memory) into a Swift string.
    init(copying bytes: amqp_bytes_t) {
        guard bytes.len > 0, let base = bytes.bytes else {
            self = ""
            return
        }
        self = String(decoding: UnsafeRawBufferPointer(start: base, count: bytes.len), as: UTF8.self)
    }
}

extension String {
    /// The string for `bytes`: this one when it already holds them, else a copy that also
    /// becomes the cached value.
    mutating func reusing(_ bytes: amqp_bytes_t) -> String {
        let matches = bytes.len == utf8.count
            && (bytes.len == 0 || utf8.elementsEqual(UnsafeRawBufferPointer(start: bytes.bytes, count: bytes.len)))
        if !matches { self = String(copying: bytes) }
        return self
    }
}

extension Array where Element == UInt8 {
    /// Copies rabbitmq-c bytes into a Swift array.
    init(copying bytes: amqp_bytes_t) {
        guard bytes.len > 0, let base = bytes.bytes else {
            self = []
            return
        }
        self.init(UnsafeRawBufferPointer(start: base, count: bytes.len))
    }
}
