using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Conversations;

/// <summary>
/// Every write to conversations, for the API and the pages alike: log an activity with the questions raised in it,
/// delete an activity, answer an open question, attach it to the next action. Also the visible timeline of a record.
/// Everything is checked against what the caller may see; the answer is an outcome, never an exception for a mistake.
/// </summary>
public sealed class ConversationService(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Logs a conversation given as typed values (a value left null is not given).</summary>
    public Task<Outcome<ActivityDto>> LogAsync(AccessScope scope, NewActivity activity, CancellationToken ct = default) =>
        LogAsync(scope, JsonFields.From((JsonObject)JsonSerializer.SerializeToNode(activity, Json)!, l), ct);

    /// <summary>
    /// Logs a conversation from a body's fields. The record it is about must be visible. The activity and its questions
    /// are written in one transaction: all or nothing.
    /// </summary>
    public async Task<Outcome<ActivityDto>> LogAsync(AccessScope scope, JsonFields f, CancellationToken ct = default)
    {
        var now = Now;
        // A system scope (user 0: e.g. mail from the dropbox nobody in the workspace sent or received) logs it as nobody's.
        var a = new Activity { UserId = scope.UserId > 0 ? scope.UserId : null, CreatedAt = now, OccurredAt = now };
        var (contactId, companyId, opportunityId, questions) = await ReadAsync(scope, f, a, now, ct);
        if (f.Errors.Count > 0) return Outcome<ActivityDto>.Invalid(f.Errors);

        a.ContactId = contactId;
        a.CompanyId = companyId;
        a.OpportunityId = opportunityId;
        if (a.Channel == Channel.Note) a.Direction = Direction.None;
        // The questions point at the activity they were raised in, whose id exists only after the first write:
        // both writes share one transaction, so there is never an activity without its questions. A caller that opened a
        // transaction itself (the dropbox: its claim and the activities commit together) keeps it and commits it.
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        db.Activities.Add(a);
        await StartWorkingAsync(a, scope, ct);
        await db.SaveChangesAsync(ct);
        foreach (var (kind, text, category) in questions)
            db.OpenQuestions.Add(new OpenQuestion
            {
                ContactId = contactId, CompanyId = contactId is null ? companyId : null,
                OpportunityId = contactId is null && companyId is null ? opportunityId : null,
                ActivityId = a.Id, Kind = kind, Category = category, Text = text, RaisedAt = a.OccurredAt, RaisedById = a.UserId,
            });
        await db.SaveChangesAsync(ct);
        if (tx is not null) await tx.CommitAsync(ct);
        return (await ActivityQueries.LoadAsync(db, scope, [a.Id], ct))[0];
    }

    /// <summary>
    /// Whether <see cref="LogAsync(AccessScope, NewActivity, CancellationToken)"/> would accept this activity now (the same
    /// field rules and visibility checks), without writing anything: for a caller that must know before it does something it
    /// cannot take back, such as sending a mail that is then logged.
    /// </summary>
    public async Task<Outcome<Done>> CheckAsync(AccessScope scope, NewActivity activity, CancellationToken ct = default)
    {
        var f = JsonFields.From((JsonObject)JsonSerializer.SerializeToNode(activity, Json)!, l);
        var now = Now;
        await ReadAsync(scope, f, new Activity { CreatedAt = now, OccurredAt = now }, now, ct);
        return f.Errors.Count > 0 ? Outcome<Done>.Invalid(f.Errors) : new Done();
    }

    /// <summary>The activity's fields, and the records it is about, each checked against what the caller may see.</summary>
    private async Task<(long? ContactId, long? CompanyId, long? OpportunityId, List<(OpenQuestionKind Kind, string Text, ConcernCategory? Category)> Questions)> ReadAsync(
        AccessScope scope, JsonFields f, Activity a, DateTime now, CancellationToken ct)
    {
        var (contactId, companyId, opportunityId, questions) = ActivityWrites.Read(f, a, now);
        if (contactId is { } cid)
        {
            var contact = await scope.Filter(db.Contacts).Where(c => c.Id == cid).Select(c => new { c.CompanyId, c.ErasedAt }).FirstOrDefaultAsync(ct);
            if (contact is null) f.Fail("contactId", f.T("There is no contact {0} that you can see.", cid));
            else if (contact.ErasedAt is not null) f.Fail("contactId", f.T("Contact {0} was erased; nothing is added to its tombstone.", cid));
            else companyId ??= contact.CompanyId;
        }
        if (companyId is { } coid && !await scope.Filter(db.Companies).AnyAsync(c => c.Id == coid, ct))
            f.Fail("companyId", f.T("There is no company {0} that you can see.", coid));
        if (opportunityId is { } oid && !await scope.Filter(db.Opportunities).AnyAsync(o => o.Id == oid, ct))
            f.Fail("opportunityId", f.T("There is no opportunity {0} that you can see.", oid));
        return (contactId, companyId, opportunityId, questions);
    }

    /// <summary>
    /// The seeds' working lead is one in contact: the first conversation (not a note) with a New lead makes it Working,
    /// recorded as a lifecycle event like any other status change.
    /// </summary>
    private async Task StartWorkingAsync(Activity a, AccessScope scope, CancellationToken ct)
    {
        if (a.ContactId is not { } cid || !Engagement.IsConversation(a.Channel)) return;
        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.Id == cid && c.LeadStatus == LeadStatus.New
            && (c.Stage == Stage.Suspect || c.Stage == Stage.Lead || c.Stage == Stage.Prospect), ct);
        if (contact is null) return;
        LifecycleLog.Status(db, contact, LeadStatus.New, LeadStatus.Working, l["First conversation logged"], a.UserId, Now);
        contact.LeadStatus = LeadStatus.Working;
    }

    public async Task<Outcome<ActivityDto>> FindAsync(AccessScope scope, long id, CancellationToken ct = default)
    {
        if (!await scope.FilterAbout(db.Activities, db).AnyAsync(a => a.Id == id, ct)) return ActivityNotFound<ActivityDto>(id);
        return (await ActivityQueries.LoadAsync(db, scope, [id], ct))[0];
    }

    /// <summary>Only who logged it, or a manager, may take a conversation back out of the record.</summary>
    public async Task<Outcome<Done>> DeleteAsync(AccessScope scope, long id, CancellationToken ct = default)
    {
        var a = await scope.FilterAbout(db.Activities, db).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (a is null) return ActivityNotFound<Done>(id);
        if (a.UserId != scope.UserId && !scope.IsManagerOrAdmin)
            return Outcome<Done>.Forbidden("Not yours", l["Only the person who logged an activity, a manager or an admin can delete it."]);
        a.DeletedAt = Now;
        await db.SaveChangesAsync(ct);
        return new Done();
    }

    /// <summary>Answers an open question or concern. Two people answering at once: the second hears it was answered already.</summary>
    public async Task<Outcome<QuestionDto>> AnswerAsync(AccessScope scope, long id, string? answer, CancellationToken ct = default)
    {
        var q = await scope.FilterAbout(db.OpenQuestions, db).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (q is null) return QuestionNotFound(id);
        if (q.AnsweredAt is not null) return AlreadyAnswered();
        answer = answer?.Trim();
        if (string.IsNullOrEmpty(answer) || answer.Length > ActivityWrites.AnswerMax)
            return Outcome<QuestionDto>.Invalid("answer", l["Write the answer (1 to {0} characters).", ActivityWrites.AnswerMax]);
        // The WHERE sees AnsweredAt IS NULL only once.
        var now = Now;
        var n = await db.OpenQuestions.Where(x => x.Id == id && x.AnsweredAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Answer, answer).SetProperty(x => x.AnsweredAt, now).SetProperty(x => x.AnsweredById, scope.UserId), ct);
        return n == 1 ? await OneQuestionAsync(id, ct) : AlreadyAnswered();
    }

    /// <summary>Links the question to an open next action of the same contact or opportunity (null detaches it).</summary>
    public async Task<Outcome<QuestionDto>> AttachAsync(AccessScope scope, long id, long? nextActionId, CancellationToken ct = default)
    {
        var q = await scope.FilterAbout(db.OpenQuestions, db).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (q is null) return QuestionNotFound(id);
        if (nextActionId is { } na && !await db.NextActions.AnyAsync(a => a.Id == na && a.Status == NextActionStatus.Open
                && ((q.ContactId != null && a.ContactId == q.ContactId) || (q.OpportunityId != null && a.OpportunityId == q.OpportunityId)), ct))
            return Outcome<QuestionDto>.Invalid("nextActionId", l["There is no open next action {0} of the same contact or opportunity.", na]);
        q.NextActionId = nextActionId;
        await db.SaveChangesAsync(ct);
        return await OneQuestionAsync(id, ct);
    }

    /// <summary>A page of the timeline of one record the caller may see.</summary>
    public async Task<Outcome<Paged<TimelineEntry>>> TimelineAsync(AccessScope scope, TimelineQuery query, int page, int pageSize, CancellationToken ct = default)
    {
        var visible = query.ContactId is { } c ? await scope.Filter(db.Contacts).AnyAsync(x => x.Id == c, ct)
            : query.CompanyId is { } co ? await scope.Filter(db.Companies).AnyAsync(x => x.Id == co, ct)
            : await scope.Filter(db.Opportunities).AnyAsync(x => x.Id == query.OpportunityId, ct);
        if (!visible)
            return Outcome<Paged<TimelineEntry>>.NotFound("Record not found",
                l["There is no record {0} that you can see.", query.ContactId ?? query.CompanyId ?? query.OpportunityId ?? 0]);
        return await query.PageAsync(db, scope, page, pageSize, ct);
    }

    private async Task<QuestionDto> OneQuestionAsync(long id, CancellationToken ct) =>
        (await ActivityQueries.QuestionsAsync(db, db.OpenQuestions.Where(x => x.Id == id), ct))[0];

    private Outcome<T> ActivityNotFound<T>(long id) =>
        Outcome<T>.NotFound("Activity not found", l["There is no activity {0} that you can see.", id]);

    private Outcome<QuestionDto> QuestionNotFound(long id) =>
        Outcome<QuestionDto>.NotFound("Question not found", l["There is no question {0} that you can see.", id]);

    private Outcome<QuestionDto> AlreadyAnswered() =>
        Outcome<QuestionDto>.Conflict("Already answered", l["This question was answered already; its answer is kept."]);
}
