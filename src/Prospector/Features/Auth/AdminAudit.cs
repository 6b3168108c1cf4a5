using System.Text.Json;
using Prospector.Data;

namespace Prospector.Features.Auth;

/// <summary>
/// Audit entries for what is not a tracked record: users and teams (role, teams, password reset, hand-over of a book).
/// They sit in the same trail as record changes (<see cref="AuditEntry"/>), as type <c>User</c> or <c>Team</c>, written in
/// the same transaction as the change they describe.
/// </summary>
public static class AdminAudit
{
    public static void Add(ProspectorDb db, IAuditActor actor, DateTime at, string type, long id, AuditAction action, params FieldChange[] changes)
    {
        if (action == AuditAction.Updated && changes.Length == 0) return;
        db.AuditEntries.Add(new AuditEntry
        {
            EntityType = type,
            EntityId = id,
            Action = action,
            UserId = actor.UserId,
            // The command line has no signed-in user: say so rather than leave it blank.
            UserName = actor.UserId is null ? "prospector (command line)" : actor.UserName,
            At = at,
            Changes = JsonSerializer.Serialize(changes, JsonSerializerOptions.Web),
        });
    }
}
