using System.Text.Json;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Conversations;

/// <summary>A question or concern the contact raised in a conversation.</summary>
public sealed record NewQuestion(OpenQuestionKind Kind, string Text, ConcernCategory? Category = null);

/// <summary>
/// A conversation to log: the body of POST /api/v1/activities, and the typed value the log dialog hands to
/// <see cref="ConversationService"/>. Give one of contactId, companyId or opportunityId; channel is required.
/// </summary>
public sealed record NewActivity(
    long? ContactId, long? CompanyId, long? OpportunityId, Channel Channel, Direction? Direction = null, string? Outcome = null,
    DateTimeOffset? OccurredAt = null, int? DurationMinutes = null, string? Subject = null, string? Notes = null,
    IReadOnlyList<NewQuestion>? Questions = null) : IReadFieldByField;

/// <summary>The field rules of a logged activity: channel, direction, outcome, when, how long, notes, and the questions raised.</summary>
public static class ActivityWrites
{
    public const int NotesMax = 20_000;
    public const int AnswerMax = 2000;

    /// <summary>Reads the activity's own fields into <paramref name="a"/> and returns the record ids and questions given.</summary>
    public static (long? ContactId, long? CompanyId, long? OpportunityId, List<(OpenQuestionKind Kind, string Text, ConcernCategory? Category)> Questions) Read(
        JsonFields f, Activity a, DateTime now)
    {
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
        if (contactId is null && companyId is null && opportunityId is null)
            f.Fail("contactId", f.T("Say which contact, company or opportunity the activity is about (contactId, companyId or opportunityId)."));
        return (contactId, companyId, opportunityId, ReadQuestions(f));
    }

    private static List<(OpenQuestionKind, string, ConcernCategory?)> ReadQuestions(JsonFields f)
    {
        var list = new List<(OpenQuestionKind, string, ConcernCategory?)>();
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
            ConcernCategory? category = null;
            var categoryText = o["category"] is { } cat && cat.GetValueKind() == JsonValueKind.String ? cat.GetValue<string>() : null;
            if (o["category"] is { } given && given.GetValueKind() != JsonValueKind.String && given.GetValueKind() != JsonValueKind.Null)
                categoryText = "?";
            if (categoryText is not null)
            {
                if (Enum.TryParse<ConcernCategory>(categoryText, true, out var c) && Enum.IsDefined(c) && !char.IsDigit(categoryText[0])) category = c;
                else f.Fail($"{name}.category", f.T("{0} must be one of: {1}.", $"{name}.category", string.Join(", ", Enum.GetNames<ConcernCategory>())));
            }
            var text = o["text"] is { } t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>().Trim() : "";
            if (text.Length is 0 or > 1000) f.Fail($"{name}.text", f.T("{0} must be a text of 1 to {1} characters.", $"{name}.text", 1000));
            else list.Add((kind, text, category));
        }
        return list;
    }
}
