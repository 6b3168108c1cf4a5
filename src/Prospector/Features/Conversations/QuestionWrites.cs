using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;

namespace Prospector.Features.Conversations;

public enum QuestionChange { Done, NotFound, AlreadyAnswered, Invalid }

/// <summary>Answering an open question or concern, and attaching it to the record's next action.</summary>
public static class QuestionWrites
{
    public const int AnswerMax = 2000;

    public static async Task<QuestionChange> AnswerAsync(ProspectorDb db, AccessScope scope, long id, string? answer, DateTime now, CancellationToken ct)
    {
        var q = await scope.FilterAbout(db.OpenQuestions, db).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (q is null) return QuestionChange.NotFound;
        if (q.AnsweredAt is not null) return QuestionChange.AlreadyAnswered;
        answer = answer?.Trim();
        if (string.IsNullOrEmpty(answer) || answer.Length > AnswerMax) return QuestionChange.Invalid;
        // Two people answering at once: the second finds it answered (the WHERE sees AnsweredAt IS NULL only once).
        var n = await db.OpenQuestions.Where(x => x.Id == id && x.AnsweredAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Answer, answer).SetProperty(x => x.AnsweredAt, now).SetProperty(x => x.AnsweredById, scope.UserId), ct);
        return n == 1 ? QuestionChange.Done : QuestionChange.AlreadyAnswered;
    }

    /// <summary>Links the question to an open next action of the same contact or opportunity (null detaches it).</summary>
    public static async Task<QuestionChange> AttachAsync(ProspectorDb db, AccessScope scope, long id, long? nextActionId, CancellationToken ct)
    {
        var q = await scope.FilterAbout(db.OpenQuestions, db).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (q is null) return QuestionChange.NotFound;
        if (nextActionId is { } na && !await db.NextActions.AnyAsync(a => a.Id == na && a.Status == NextActionStatus.Open
                && ((q.ContactId != null && a.ContactId == q.ContactId) || (q.OpportunityId != null && a.OpportunityId == q.OpportunityId)), ct))
            return QuestionChange.Invalid;
        q.NextActionId = nextActionId;
        await db.SaveChangesAsync(ct);
        return QuestionChange.Done;
    }
}
