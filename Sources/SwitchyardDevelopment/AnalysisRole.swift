// The `analysis` role: a finished conversation becomes a project with an analysis.

import Crypto
import Foundation
import SwitchyardCore
import SwitchyardPostgres
public import SwitchyardProviders
public import SwitchyardRuntime

/// Consumes `conversation.ended`: takes the transcript the event carries (`transcript`, a
/// string or a list of `{role, content}`, also looked for under `properties` and `data`), else downloads
/// it from the event's `transcript_url`, else asks the video-call vendor's API; analyses it; and, in the message's transaction, stores the
/// conversation and its project (status `planning`, one project per conversation) and emits
/// `plan.requested`.
public struct AnalysisRole: WorkerRole {
    public let name = "analysis"
    private let analyst: any ProjectAnalyst
    private let transcripts: any TranscriptSource
    private let download: TranscriptDownload
    private let calls: ExternalCalls

    /// The tenant of events that name none.
    static let defaultTenant = "00000000-0000-0000-0000-000000000000"

    /// Creates the role.
    public init(analyst: any ProjectAnalyst, transcripts: any TranscriptSource, download: TranscriptDownload, calls: ExternalCalls) {
        self.analyst = analyst
        self.transcripts = transcripts
        self.download = download
        self.calls = calls
    }

    public func handle(_ message: WorkMessage) async -> HandlerOutcome {
        guard let event = try? JSONValue(parsing: message.body),
              let conversationID = event["conversation_id"]?.string, !conversationID.isEmpty
        else {
            return .permanentFailure(HandlerFailure("validation", "conversation.ended needs a string conversation_id"))
        }
        let tenantID = message.tenantID ?? Self.defaultTenant
        let projectID = Self.projectID(tenantID: tenantID, conversationID: conversationID)
        let inline = event["transcript"] ?? event["properties"]?["transcript"] ?? event["data"]?["transcript"]
        let transcript: Transcript
        let source: String
        do throws(ProviderError) {
            if let inline {
                guard let parsed = Transcript(inline) else {
                    return .permanentFailure(HandlerFailure("validation", "transcript: expected a non-empty string or a list of {role, content}"))
                }
                (transcript, source) = (parsed, "inline")
            } else {
                if let url = (event["transcript_url"] ?? event["properties"]?["transcript_url"] ?? event["data"]?["transcript_url"])?.string {
                    transcript = try await calls.perform(
                        api: "transcripts", endpoint: "GET transcript_url", provider: "http", tenantID: tenantID, projectID: projectID
                    ) { () async throws(ProviderError) in try await download.transcript(at: url) }
                    source = "url"
                } else {
                    transcript = try await calls.perform(
                        api: "transcripts", endpoint: "conversation \(conversationID)", provider: transcripts.name, tenantID: tenantID,
                        projectID: projectID
                    ) { () async throws(ProviderError) in try await transcripts.transcript(conversationID: conversationID) }
                    source = "vendor_api"
                }
            }
        } catch {
            return .failed(error)
        }
        let analysis: ProjectAnalysis
        do {
            analysis = try await calls.perform(
                api: "llm", endpoint: "analyse", provider: analyst.name, tenantID: tenantID, projectID: projectID
            ) { () async throws(ProviderError) in try await analyst.analyse(transcript) }
        } catch {
            return .failed(error)
        }
        if !analysis.problems.isEmpty {
            return .permanentFailure(HandlerFailure("invalid_analysis", analysis.problems.joined(separator: "; ")))
        }
        let transcriptJSON = JSONValue.array(transcript.turns.map(\.json)).jsonText
        let analysisJSON = analysis.json.jsonText
        let requirementsJSON = JSONValue.array(analysis.requirements.map(JSONValue.string)).jsonText
        let followUp = JSONValue.object(["v": 1, "project_id": .string(projectID)]).jsonBytes
        return .success(HandlerEffects(statements: [
            PostgresStatement(
                """
                INSERT INTO conversations (tenant_id, external_id, transcript, transcript_source)
                VALUES ($1::uuid, $2, $3::jsonb, $4) ON CONFLICT DO NOTHING
                """, [tenantID, conversationID, transcriptJSON, source]),
            PostgresStatement(
                """
                INSERT INTO projects (id, tenant_id, conversation_id, name, description, requirements, analysis, priority,
                                      status, analyzed_at)
                VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::jsonb, $7::jsonb, $8, 'planning', clock_timestamp())
                ON CONFLICT DO NOTHING
                """, [projectID, tenantID, conversationID, analysis.projectName, analysis.description, requirementsJSON,
                      analysisJSON, analysis.priority]),
        ], followUps: [OutgoingEvent(type: "plan.requested", body: followUp, correlationID: projectID)]))
    }

    /// The project of a conversation: the same id for every delivery of its events.
    static func projectID(tenantID: String, conversationID: String) -> String {
        var bytes = Array(SHA256.hash(data: Data("project\u{0}\(tenantID)\u{0}\(conversationID)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let uuid = UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                               bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        return uuid.uuidString.lowercased()
    }
}
