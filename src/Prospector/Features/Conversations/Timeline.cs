using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Conversations;

/// <summary>What a timeline entry is; the filter of the timeline.</summary>
public enum TimelineKind { Activity, Question, Stage, Qualification, NextAction, Import, Change }

/// <summary>
/// One entry of a record's timeline. One flat shape for all kinds (fields that do not apply are null), so the API
/// stays simple and the UI describes each kind in the user's language.
/// </summary>
public sealed record TimelineEntry(DateTime At, TimelineKind Kind, string? By)
{
    public ActivityDto? Activity { get; init; }
    public QuestionDto? Question { get; init; }
    public LifecycleEventKind? LifecycleKind { get; init; }
    public Stage? FromStage { get; init; }
    public Stage? ToStage { get; init; }
    public LeadStatus? FromStatus { get; init; }
    public LeadStatus? ToStatus { get; init; }
    public string? Criterion { get; init; }
    public CriterionAnswer? CriterionAnswer { get; init; }
    public string? Reason { get; init; }
    public bool Override { get; init; }
    public NextActionType? NextActionType { get; init; }
    public string? Text { get; init; }
    public string? Outcome { get; init; }
    public AuditAction? AuditAction { get; init; }
    public IReadOnlyList<FieldChange>? Changes { get; init; }
}

/// <summary>Which record's timeline, and which part of it.</summary>
public sealed record TimelineQuery(long? ContactId, long? CompanyId, long? OpportunityId, IReadOnlySet<TimelineKind>? Kinds = null, Channel? Channel = null)
{
    private bool Wants(TimelineKind k) => (Kinds is null || Kinds.Count == 0 || Kinds.Contains(k)) && (Channel is null || k == TimelineKind.Activity);

    /// <summary>
    /// One page, newest first. Every source is read ordered by time and cut at page × size, then the sources are merged:
    /// a record's history is hundreds of entries, not millions, and each source has an index on (record, time).
    /// The caller has checked that the record itself is visible.
    /// </summary>
    public async Task<Paged<TimelineEntry>> PageAsync(ProspectorDb db, AccessScope scope, int page, int pageSize, CancellationToken ct)
    {
        var need = page * pageSize;
        var entries = new List<TimelineEntry>();
        var total = 0;
        async Task Add<T>(IQueryable<T> source, Func<IQueryable<T>, IQueryable<T>> newestFirst, Func<List<T>, Task<IEnumerable<TimelineEntry>>> map)
        {
            total += await source.CountAsync(ct);
            entries.AddRange(await map(await newestFirst(source).Take(need).ToListAsync(ct)));
        }

        if (Wants(TimelineKind.Activity))
        {
            var q = scope.FilterAbout(db.Activities, db);
            // A contact's and a company's timelines include the conversations about their opportunities.
            var opportunities = OpportunityId is not null ? []
                : await db.Opportunities.Where(o => ContactId != null ? o.ContactId == ContactId : o.CompanyId == CompanyId).Select(o => (long?)o.Id).ToListAsync(ct);
            // Without opportunities the plain condition keeps the (record, time) index usable.
            q = (ContactId, CompanyId, opportunities.Count > 0) switch
            {
                ({ } c, _, false) => q.Where(a => a.ContactId == c),
                ({ } c, _, true) => q.Where(a => a.ContactId == c || opportunities.Contains(a.OpportunityId)),
                (_, { } co, false) => q.Where(a => a.CompanyId == co),
                (_, { } co, true) => q.Where(a => a.CompanyId == co || opportunities.Contains(a.OpportunityId)),
                _ => q.Where(a => a.OpportunityId == OpportunityId),
            };
            if (Channel is { } ch) q = q.Where(a => a.Channel == ch);
            await Add(q.Select(a => new { a.Id, a.OccurredAt }), s => s.OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id), async rows =>
                (await ActivityQueries.LoadAsync(db, scope, rows.Select(r => r.Id).ToList(), ct))
                    .Select(a => new TimelineEntry(a.OccurredAt, TimelineKind.Activity, a.UserName) { Activity = a }));
        }
        if (Wants(TimelineKind.Question))
        {
            var q = ActivityQueries.QuestionsOf(db, scope, ContactId, CompanyId, OpportunityId).Where(x => x.AnsweredAt != null);
            await Add(q.Select(x => new { x.Id, x.AnsweredAt }), s => s.OrderByDescending(x => x.AnsweredAt), async rows =>
                (await ActivityQueries.QuestionsAsync(db, db.OpenQuestions.Where(x => rows.Select(r => r.Id).Contains(x.Id)), ct))
                    .Select(x => new TimelineEntry(x.AnsweredAt!.Value, TimelineKind.Question, x.AnsweredBy) { Question = x }));
        }
        if (ContactId is { } contactId)
        {
            foreach (var kind in new[] { TimelineKind.Stage, TimelineKind.Qualification }.Where(Wants))
            {
                var q = db.LifecycleEvents.Where(e => e.ContactId == contactId);
                q = kind == TimelineKind.Stage ? q.Where(e => e.Kind != LifecycleEventKind.CriterionAnswered) : q.Where(e => e.Kind == LifecycleEventKind.CriterionAnswered);
                await Add(q, s => s.OrderByDescending(e => e.At).ThenByDescending(e => e.Id), rows => Task.FromResult(Lifecycle(db, rows, kind)));
            }
            if (Wants(TimelineKind.Import))
            {
                // The list's name and file only when the user may open the list (as the history names it): a contact handed
                // to another team does not tell them what another team's list was called.
                var visible = scope.Filter(db.ProspectingLists.IgnoreQueryFilters());
                var q = from r in db.ListRows
                        join i in db.Imports on r.ImportId equals (long?)i.Id
                        where r.ContactId == contactId
                        select new
                        {
                            At = i.FinishedAt ?? i.CreatedAt, List = visible.Where(l => l.Id == i.ListId).Select(l => l.Name).FirstOrDefault(), File = i.FileName,
                            By = db.Users.Where(u => u.Id == i.CreatedById).Select(u => u.DisplayName).FirstOrDefault(),
                        };
                await Add(q, s => s.OrderByDescending(x => x.At), rows => Task.FromResult(rows.Select(x =>
                    new TimelineEntry(x.At, TimelineKind.Import, x.By) { Text = x.List, Reason = x.List is null ? null : x.File })));
            }
        }
        if (Wants(TimelineKind.NextAction) && (ContactId is not null || OpportunityId is not null))
        {
            var q = db.NextActions.Where(a => a.Status == NextActionStatus.Done && a.CompletedAt != null);
            q = ContactId is { } c ? q.Where(a => a.ContactId == c) : q.Where(a => a.OpportunityId == OpportunityId);
            await Add(q, s => s.OrderByDescending(a => a.CompletedAt), async rows =>
            {
                var ids = rows.Select(r => r.AssigneeId).Distinct().ToList();
                var names = await db.Users.Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
                return rows.Select(a => new TimelineEntry(a.CompletedAt!.Value, TimelineKind.NextAction, a.AssigneeId is { } u ? names.GetValueOrDefault(u) : null)
                { NextActionType = a.Type, Text = a.Note, Outcome = a.Outcome });
            });
        }
        if (Wants(TimelineKind.Change))
        {
            var (type, id) = ContactId is { } c ? (nameof(Contact), c) : CompanyId is { } co ? (nameof(Company), co) : (nameof(Opportunity), OpportunityId!.Value);
            var q = db.AuditEntries.Where(a => a.EntityType == type && a.EntityId == id);
            await Add(q, s => s.OrderByDescending(a => a.At).ThenByDescending(a => a.Id), rows => Task.FromResult(rows.Select(a =>
                new TimelineEntry(a.At, TimelineKind.Change, a.UserName)
                {
                    AuditAction = a.Action,
                    Changes = JsonSerializer.Deserialize<List<FieldChange>>(a.Changes, JsonSerializerOptions.Web) ?? [],
                })));
        }
        var items = entries.OrderByDescending(e => e.At).Skip((page - 1) * pageSize).Take(pageSize).ToList();
        return new Paged<TimelineEntry>(items, total, page, pageSize);
    }

    private static IEnumerable<TimelineEntry> Lifecycle(ProspectorDb db, List<LifecycleEvent> rows, TimelineKind kind)
    {
        var criteria = rows.Where(e => e.CriterionId != null).Select(e => e.CriterionId!.Value).Distinct().ToList();
        var labels = criteria.Count == 0 ? [] : db.QualificationCriteria.Where(q => criteria.Contains(q.Id)).ToDictionary(q => q.Id, q => q.Label);
        var users = rows.Where(e => e.ById != null).Select(e => e.ById!.Value).Distinct().ToList();
        var names = users.Count == 0 ? [] : db.Users.Where(u => users.Contains(u.Id)).ToDictionary(u => u.Id, u => u.DisplayName);
        return rows.Select(e => new TimelineEntry(e.At, kind, e.ById is { } by ? names.GetValueOrDefault(by) : null)
        {
            LifecycleKind = e.Kind, FromStage = e.FromStage, ToStage = e.ToStage, FromStatus = e.FromStatus, ToStatus = e.ToStatus,
            Criterion = e.CriterionId is { } cid ? labels.GetValueOrDefault(cid) : null, CriterionAnswer = e.Answer, Reason = e.Reason, Override = e.Override,
        });
    }
}
