import Foundation
@testable import TracemapEnrich

/// A DNS server of the tests' own on 127.0.0.1 that answers from a table with whatever bytes it is given —
/// control bytes and escape sequences in PTR names, non-UTF-8 TXT strings — which dnsmasq refuses to serve.
/// Answers are built with tracemap's own DNSMessage writer (`\DDD` in a name becomes that raw byte on the wire).
final class HostileResolver: LoopbackUDPServer, @unchecked Sendable {
    /// `answers`: lower-cased query name and type → the record data to answer with.
    init(answers: [String: (DNSRecordType, DNSRecordData)]) {
        super.init { datagram in
            guard let query = try? DNSMessage(parsing: datagram), let question = query.questions.first else {
                return nil
            }
            var reply = DNSMessage(id: query.id, questions: query.questions)
            reply.isResponse = true
            reply.recursionAvailable = true
            if let (type, data) = answers[question.name.lowercased()], type == question.type {
                reply.answers = [DNSRecord(name: question.name, type: type, ttl: 60, data: data)]
            } else {
                reply.responseCode = .nameError
            }
            return try? reply.encoded()
        }
    }
}
