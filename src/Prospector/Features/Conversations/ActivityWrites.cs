using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Conversations;

/// <summary>
/// Logging an activity, for the API and the log dialog alike: which record it is about (must be visible),
/// channel, direction, outcome, when, how long, notes, and the questions and concerns the contact raised.
/// The activity and its questions are written in one transaction: all or nothing.
/// </summary>
public static class ActivityWrites
{
    public static readonly IReadOnlySet<string> Allowed = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "contactId", "companyId", "opportunityId", "channel", "direction", "outcome", "occurredAt", "durationMinutes",
        "subject", "notes", "questions",
    };

    public const int NotesMax = 20_000;

    public static async Task<(Activity? Activity, Dictionary<string, string[]>? Errors)> CreateAsync(
        ProspectorDb db, AccessScope scope, JsonFields f, DateTime now, CancellationToken ct)
    {
        var a = new Activity { UserId = scope.UserId, CreatedAt = now, OccurredAt = now };
        long? contactId = null, companyId = null, opportunityId = null;
        f.Id("contactId", v => contactId = v);
        f.Id("companyId", v => companyId = v);
        f.Id("opportunityId", v => opportunityId = v);
        if (!f.Has("channel")) f.Fail("channel", f.T("{0} is required.", "channel"));
        f.Enum<Channel>("channel", v => a.Channel = v);
        f.Enum<Direction>("direction", v => a.Direction = v);
        f.String("outcome", 50, v => a.Outcome = v?.ToLowerInvariant());
        f.Moment("occurredAt", v => a.OccurredAt = v ?? now);
        f.Int("durationMinutes", 0, 24 * 60, v => a.DurationMinutes = v);
        f.String("subject", 200, v => a.Subject = v);
        f.String("notes", NotesMax, v => a.Notes = v);
        if (a.OccurredAt > now.AddDays(1)) f.Fail("occurredAt", f.T("A conversation cannot lie in the future; plan it as a next action."));
        var questions = ReadQuestions(f);

        if (contactId is null && companyId is null && opportunityId is null)
            f.Fail("contactId", f.T("Say which contact, company or opportunity the activity is about (contactId, companyId or opportunityId)."));
        if (contactId is { } cid)
        {
            var contact = await scope.Filter(db.Contacts).Where(c => c.Id == cid).Select(c => new { c.CompanyId }).FirstOrDefaultAsync(ct);
            if (contact is null) f.Fail("contactId", f.T("There is no contact {0} that you can see.", cid));
            else companyId ??= contact.CompanyId;
        }
        if (companyId is { } coid && !await scope.Filter(db.Companies).AnyAsync(c => c.Id == coid, ct))
            f.Fail("companyId", f.T("There is no company {0} that you can see.", coid));
        if (opportunityId is { } oid && !await scope.Filter(db.Opportunities).AnyAsync(o => o.Id == oid, ct))
            f.Fail("opportunityId", f.T("There is no opportunity {0} that you can see.", oid));
        if (f.Errors.Count > 0) return (null, f.Errors);

        a.ContactId = contactId;
        a.CompanyId = companyId;
        a.OpportunityId = opportunityId;
        if (a.Channel == Channel.Note) a.Direction = Direction.None;
        // The questions point at the activity they were raised in, whose id exists only after the first write:
        // both writes share one transaction, so there is never an activity without its questions.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Activities.Add(a);
        await db.SaveChangesAsync(ct);
        foreach (var (kind, text) in questions)
            db.OpenQuestions.Add(new OpenQuestion
            {
                ContactId = contactId, CompanyId = contactId is null ? companyId : null,
                OpportunityId = contactId is null && companyId is null ? opportunityId : null,
                ActivityId = a.Id, Kind = kind, Text = text, RaisedAt = a.OccurredAt, RaisedById = scope.UserId,
            });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (a, null);
    }

    private static List<(OpenQuestionKind Kind, string Text)> ReadQuestions(JsonFields f)
    {
        var list = new List<(OpenQuestionKind, string)>();
        if (f.Array("questions") is not { } arr) return list;
        if (arr.Count > 50) { f.Fail("questions", f.T("At most {0} questions per activity.", 50)); return list; }
        for (var i = 0; i < arr.Count; i++)
        {
            var name = $"questions[{i}]";
            if (arr[i] is not System.Text.Json.Nodes.JsonObject o) { f.Fail(name, f.T("{0} must be an object with kind and text.", name)); continue; }
            var kind = OpenQuestionKind.Question;
            var kindText = o["kind"] is { } k && k.GetValueKind() == JsonValueKind.String ? k.GetValue<string>() : null;
            if (kindText is not null && !(Enum.TryParse(kindText, true, out kind) && Enum.IsDefined(kind) && !char.IsDigit(kindText[0])))
                f.Fail($"{name}.kind", f.T("{0} must be one of: {1}.", $"{name}.kind", string.Join(", ", Enum.GetNames<OpenQuestionKind>())));
            var text = o["text"] is { } t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>().Trim() : "";
            if (text.Length is 0 or > 1000) f.Fail($"{name}.text", f.T("{0} must be a text of 1 to {1} characters.", $"{name}.text", 1000));
            else list.Add((kind, text));
        }
        return list;
    }
}
