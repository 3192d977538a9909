import ConfigIssues
import Foundation

extension SimConfig {
    /// Decodes a JSON object of settings (snake_case keys, every key optional, `"profile"` picks the
    /// base defaults, `faults` is merged key by key) and validates it.
    ///
    /// Throws `SimConfigError` with every problem at once: unknown keys (with a did-you-mean) at the
    /// top level and under `faults`, an unknown profile, wrong types (each key is decoded on its own,
    /// so one bad key does not hide another), then the range checks of `validate()`.
    public static func decode(from data: Data) throws -> SimConfig {
        let root: JSONValue
        do { root = try JSONParser.parse(data) } catch {
            throw SimConfigError(issues: [SimConfigIssue(path: "", message: "invalid JSON: \(error)")])
        }
        guard case let .object(members) = root else {
            throw SimConfigError(issues: [SimConfigIssue(path: "", message: "expected a JSON object")])
        }
        var issues: [SimConfigIssue] = []
        var base = SimConfig()
        var profileOK = true
        if let p = root["profile"] {
            do {
                guard case let .string(name) = p else {
                    throw SimConfigError(issues: [SimConfigIssue(path: CodingKeys.profile.stringValue, message: "expected a string")])
                }
                base = try profile(name)
            } catch let e as SimConfigError {
                issues += e.issues
                profileOK = false
            }
        }
        let defaults = try encodedMembers(of: base)
        let known = CodingKeys.allCases.map(\.stringValue)
        var accepted: [(String, JSONValue)] = []
        for (key, value) in members {
            if key == CodingKeys.profile.stringValue {
                if profileOK { accepted.append((key, value)) }
            } else if !known.contains(key) {
                issues.append(unknownKey(key, at: key, known: known))
            } else if key == CodingKeys.faults.stringValue, case let .object(faultMembers) = value {
                var acceptedFaults: [(String, JSONValue)] = []
                for (faultKey, faultValue) in faultMembers {
                    if !SimFaults.keys.contains(faultKey) {
                        issues.append(unknownKey(faultKey, at: key + "." + faultKey, known: SimFaults.keys))
                    } else if let issue = typeIssue([(key, .object([(faultKey, faultValue)]))], at: key + "." + faultKey, on: defaults) {
                        issues.append(issue)
                    } else {
                        acceptedFaults.append((faultKey, faultValue))
                    }
                }
                accepted.append((key, .object(acceptedFaults)))
            } else if let issue = typeIssue([(key, value)], at: key, on: defaults) {
                issues.append(issue)
            } else {
                accepted.append((key, value))
            }
        }
        do {
            let config = try overlay(accepted, on: defaults)
            issues += config.validate()
            if issues.isEmpty { return config }
        } catch {
            issues += error.issues
        }
        throw SimConfigError(issues: issues)
    }

    private static func unknownKey(_ key: String, at path: String, known: [String]) -> SimConfigIssue {
        var message = "unknown key \"\(key)\""
        if let guess = Suggestion.closest(to: key, in: known) { message += " (did you mean \"\(guess)\"?)" }
        return SimConfigIssue(path: path, message: message)
    }

    /// The members of `config` encoded as JSON: every key, so an overlay decodes whole.
    private static func encodedMembers(of config: SimConfig) throws(SimConfigError) -> [(String, JSONValue)] {
        guard let data = try? JSONEncoder().encode(config), case let .object(members)? = try? JSONParser.parse(data) else {
            throw SimConfigError(issues: [SimConfigIssue(path: "", message: "internal error encoding defaults")])
        }
        return members
    }

    /// The problem of `user`'s members (the one value at `path`) laid over `defaults`, or nil when they decode.
    private static func typeIssue(_ user: [(String, JSONValue)], at path: String, on defaults: [(String, JSONValue)]) -> SimConfigIssue? {
        do {
            _ = try overlay(user, on: defaults)
            return nil
        } catch {
            guard let issue = error.issues.first else { return nil }
            // Foundation reports a number its type cannot hold (1.5 or 1e300 for an Int, -1 for the seed) without a path.
            return issue.path.isEmpty ? SimConfigIssue(path: path, message: "invalid value (\(issue.message))") : issue
        }
    }

    /// `defaults` with `user`'s members laid over them (`faults` merged key by key), decoded.
    private static func overlay(_ user: [(String, JSONValue)], on defaults: [(String, JSONValue)]) throws(SimConfigError) -> SimConfig {
        func set(_ key: String, _ value: JSONValue, in obj: inout [(String, JSONValue)]) {
            if let i = obj.firstIndex(where: { $0.0 == key }) { obj[i].1 = value } else { obj.append((key, value)) }
        }
        var merged = defaults
        for (k, v) in user {
            if k == CodingKeys.faults.stringValue, case let .object(fm) = v, let i = merged.firstIndex(where: { $0.0 == k }),
               case var .object(baseFaults) = merged[i].1 {
                for (fk, fv) in fm { set(fk, fv, in: &baseFaults) }
                merged[i].1 = .object(baseFaults)
            } else {
                set(k, v, in: &merged)
            }
        }
        func path(_ codingPath: [CodingKey]) -> String { codingPath.map(\.stringValue).joined(separator: ".") }
        do {
            return try JSONDecoder().decode(SimConfig.self, from: Data(JSONValue.object(merged).serialized().utf8))
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx) {
            throw SimConfigError(issues: [SimConfigIssue(path: path(ctx.codingPath), message: "wrong type (\(ctx.debugDescription))")])
        } catch let DecodingError.dataCorrupted(ctx) {
            throw SimConfigError(issues: [SimConfigIssue(path: path(ctx.codingPath), message: ctx.debugDescription)])
        } catch {
            throw SimConfigError(issues: [SimConfigIssue(path: "", message: "\(error)")])
        }
    }
}
