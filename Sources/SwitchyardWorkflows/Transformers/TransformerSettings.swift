// What each transformer type accepts in a configured transformer's `config`.

public import SwitchyardCore
import SwitchyardHTTP

/// Checks a configured transformer's `config` for its type: known keys only, values of the
/// right kind, templates that parse and name only secrets the transformer has.
public enum TransformerSettings {
    /// The keys a type's configuration may have (besides `secrets`, for `http` and `llm`).
    public static func keys(of type: TransformerType) -> [String] {
        switch type {
        case .echo, .map: []
        case .http: ["method", "url", "headers", "body", "timeout_seconds"]
        case .llm: ["prompt", "system", "json", "temperature", "max_tokens"]
        case .transcribe: ["mime_type"]
        case .delay: ["seconds"]
        }
    }

    /// Whether a type's configuration may hold secrets.
    public static func takesSecrets(_ type: TransformerType) -> Bool {
        type == .http || type == .llm
    }

    /// Every problem with `config` (secrets removed) for `type`, by JSON Pointer under `pointer`.
    public static func problems(
        of config: [String: JSONValue], type: TransformerType, secretNames: Set<String>, at pointer: JSONPointer
    ) -> [WorkflowValidator.Problem] {
        var problems: [WorkflowValidator.Problem] = []
        func problem(_ at: JSONPointer, _ message: String) {
            problems.append(WorkflowValidator.Problem(pointer: at.description, message: message))
        }
        func template(_ value: JSONValue, at: JSONPointer) {
            guard case .string(let text) = value else { return problem(at, "expected a string, got \(value.kindName)") }
            do {
                for case .secret(let name) in try Template(text).references where !secretNames.contains(name) {
                    problem(at, "{{secrets.\(name)}}: no secret '\(name)' in config.secrets")
                }
            } catch {
                problem(at, error.description)
            }
        }
        func templates(in value: JSONValue, at: JSONPointer) {
            switch value {
            case .string: template(value, at: at)
            case .array(let items): for (index, item) in items.enumerated() { templates(in: item, at: at.appending(index)) }
            case .object(let members): for (key, member) in members { templates(in: member, at: at.appending(key)) }
            default: break
            }
        }
        func number(_ key: String, _ range: ClosedRange<Double>, whole: Bool) {
            guard let value = config[key] else { return }
            let number: Double? = switch value {
            case .int(let int): Double(int)
            case .double(let double) where !whole: double
            default: nil
            }
            if number.map(range.contains) != true {
                problem(pointer.appending(key), "expected a \(whole ? "whole number" : "number") in \(range.lowerBound)...\(range.upperBound), got \(value.excerpt())")
            }
        }
        let allowed = keys(of: type)
        for key in config.keys.sorted() where !allowed.contains(key) {
            problem(pointer.appending(key), allowed.isEmpty
                ? "\(type.rawValue) takes no configuration"
                : "unknown setting for \(type.rawValue); expected \(allowed.joined(separator: ", "))")
        }
        switch type {
        case .echo, .map:
            break
        case .http:
            if let method = config["method"], !(method.string.map { HTTPTransformer.methods.contains($0.uppercased()) } ?? false) {
                problem(pointer.appending("method"), "expected one of \(HTTPTransformer.methods.joined(separator: ", ")), got \(method.excerpt())")
            }
            if let url = config["url"] {
                template(url, at: pointer.appending("url"))
                // A URL without placeholders is known now: refuse one no request could go to.
                if case .string(let text) = url, (try? Template(text))?.isLiteral == true, let why = OutboundURL.formProblem(text) {
                    problem(pointer.appending("url"), why)
                }
            }
            if let headers = config["headers"] {
                if case .object(let members) = headers {
                    for (name, value) in members.sorted(by: { $0.key < $1.key }) {
                        if let refusal = HTTPTransformer.headerProblem(name) {
                            problem(pointer.appending("headers").appending(name), refusal)
                        } else if let refusal = HTTPHeader(name, value.string ?? "").formProblem {
                            // Placeholders render at run time, where the client checks again.
                            problem(pointer.appending("headers").appending(name), refusal)
                        } else {
                            template(value, at: pointer.appending("headers").appending(name))
                        }
                    }
                } else {
                    problem(pointer.appending("headers"), "expected an object of header values, got \(headers.kindName)")
                }
            }
            if let body = config["body"] { templates(in: body, at: pointer.appending("body")) }
            number("timeout_seconds", 1...Double(HTTPTransformer.maxTimeout), whole: true)
        case .llm:
            for key in ["prompt", "system"] { if let value = config[key] { template(value, at: pointer.appending(key)) } }
            if let json = config["json"], case .bool = json {} else if let json = config["json"] {
                problem(pointer.appending("json"), "expected true or false, got \(json.excerpt())")
            }
            number("temperature", 0...2, whole: false)
            number("max_tokens", 1...32_768, whole: true)
        case .transcribe:
            if let mime = config["mime_type"], mime.string == nil {
                problem(pointer.appending("mime_type"), "expected a MIME type such as audio/wav, got \(mime.kindName)")
            }
        case .delay:
            number("seconds", 0...Double(DelayTransformer.maxSeconds), whole: false)
        }
        return problems
    }
}
