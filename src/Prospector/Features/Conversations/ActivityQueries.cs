using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Conversations;

/// <summary>Filters of the activity list (API and the Conversations page).</summary>
public sealed record ActivityFilter(long? ContactId = null, long? CompanyId = null, long? OpportunityId = null, Channel? Channel = null,
    Direction? Direction = null, string? Outcome = null, long? UserId = null, DateTime? From = null, DateTime? To = null,
    IQueryable<long>? Within = null);

/// <summary>
/// Filters of the questions list (API and the Questions page). <see cref="OwnerId"/> is the owner of the record a question is
/// about; <see cref="Uncategorised"/> keeps only questions without a category.
/// </summary>
public sealed record QuestionFilter(long? ContactId = null, long? CompanyId = null, long? OpportunityId = null, bool? Open = null,
    OpenQuestionKind? Kind = null, ConcernCategory? Category = null, bool Uncategorised = false, int? OlderThanDays = null, long? OwnerId = null);

/// <summary>Reading activities and questions, always through the caller's visibility.</summary>
public static class ActivityQueries
{
    public static async Task<Paged<ActivityDto>> PageAsync(ProspectorDb db, AccessScope scope, ActivityFilter f, int page, int pageSize, CancellationToken ct)
    {
        var q = scope.FilterAbout(db.Activities, db);
        if (f.ContactId is { } c) q = q.Where(a => a.ContactId == c);
        if (f.CompanyId is { } co) q = q.Where(a => a.CompanyId == co);
        if (f.OpportunityId is { } o) q = q.Where(a => a.OpportunityId == o);
        if (f.Channel is { } ch) q = q.Where(a => a.Channel == ch);
        if (f.Direction is { } d) q = q.Where(a => a.Direction == d);
        if (!string.IsNullOrWhiteSpace(f.Outcome)) { var outcome = f.Outcome.Trim().ToLowerInvariant(); q = q.Where(a => a.Outcome == outcome); }
        if (f.UserId is { } u) q = q.Where(a => a.UserId == u);
        if (f.From is { } from) q = q.Where(a => a.OccurredAt >= from);
        if (f.To is { } to) q = q.Where(a => a.OccurredAt < to);
        // The conversations behind a report's number (a subquery of ids, from Reports' ReportService).
        if (f.Within is { } within) q = q.Where(a => within.Contains(a.Id));
        var (total, capped) = await Api.CappedCountAsync(q, ct);
        var ids = await q.OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).Select(a => a.Id).ToListAsync(ct);
        return new Paged<ActivityDto>(await LoadAsync(db, scope, ids, ct), total, page, pageSize, capped);
    }

    /// <summary>
    /// Activities by id (already checked for visibility), in the order of the ids, with names and questions. A linked company
    /// the viewer may not see is not named (an activity is seen through its contact, whose company may be another team's).
    /// </summary>
    public static async Task<List<ActivityDto>> LoadAsync(ProspectorDb db, AccessScope viewer, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var companies = viewer.Filter(db.Companies.IgnoreQueryFilters());
        // Every set unfiltered (the ids are checked): the names below read contacts and companies in the recycle bin too, and
        // EF Core would drop the activities' filter anyway (SoftDeleteGuard).
        var rows = await db.Activities.IgnoreQueryFilters().Where(a => ids.Contains(a.Id)).Select(a => new
        {
            A = a,
            Contact = db.Contacts.IgnoreQueryFilters().Where(c => c.Id == a.ContactId)
                .Select(c => (c.FirstName + " " + (c.NamePrefix == null ? "" : c.NamePrefix + " ") + c.LastName).Trim()).FirstOrDefault(),
            Company = companies.Where(c => c.Id == a.CompanyId).Select(c => c.Name).FirstOrDefault(),
            User = db.Users.Where(x => x.Id == a.UserId).Select(x => x.DisplayName).FirstOrDefault(),
        }).ToListAsync(ct);
        var questions = (await QuestionsAsync(db, db.OpenQuestions.Where(q => q.ActivityId != null && ids.Contains(q.ActivityId.Value)), ct))
            .ToLookup(q => q.ActivityId);
        var byId = rows.ToDictionary(r => r.A.Id);
        return ids.Where(byId.ContainsKey).Select(id =>
        {
            var r = byId[id];
            var a = r.A;
            return new ActivityDto(a.Id, a.ContactId, r.Contact, a.CompanyId, r.Company, a.OpportunityId, a.Channel, a.Direction, a.Outcome,
                a.OccurredAt, a.DurationMinutes, a.Subject, a.Notes, a.UserId, r.User, a.CreatedAt, questions[a.Id].ToList());
        }).ToList();
    }

    public static async Task<List<QuestionDto>> QuestionsAsync(ProspectorDb db, IQueryable<OpenQuestion> q, CancellationToken ct) =>
        await Project(db, q.OrderBy(x => x.AnsweredAt != null).ThenByDescending(x => x.RaisedAt).ThenByDescending(x => x.Id).Take(500)).ToListAsync(ct);

    /// <summary>
    /// A page of the questions and concerns the caller may see across records (the Questions page and GET /questions), oldest
    /// open first: by the owner of the record they are about, category, kind, age (raised before now minus
    /// <see cref="QuestionFilter.OlderThanDays"/>) and whether still open.
    /// </summary>
    public static async Task<Paged<QuestionDto>> PageAsync(ProspectorDb db, AccessScope scope, QuestionFilter f, DateTime now, int page, int pageSize,
        CancellationToken ct)
    {
        var q = QuestionsOf(db, scope, f.ContactId, f.CompanyId, f.OpportunityId);
        if (f.Open is { } open) q = open ? q.Where(x => x.AnsweredAt == null) : q.Where(x => x.AnsweredAt != null);
        if (f.Kind is { } kind) q = q.Where(x => x.Kind == kind);
        if (f.Uncategorised) q = q.Where(x => x.Category == null);
        else if (f.Category is { } category) q = q.Where(x => x.Category == category);
        if (f.OlderThanDays is { } days) { var before = now.AddDays(-days); q = q.Where(x => x.RaisedAt < before); }
        if (f.OwnerId is { } owner)
            q = q.Where(x => x.ContactId != null ? db.Contacts.Any(c => c.Id == x.ContactId && c.OwnerId == owner)
                : x.CompanyId != null ? db.Companies.Any(c => c.Id == x.CompanyId && c.OwnerId == owner)
                : db.Opportunities.Any(o => o.Id == x.OpportunityId && o.OwnerId == owner));
        var (total, capped) = await Api.CappedCountAsync(q, ct);
        var items = await Project(db, q.OrderBy(x => x.AnsweredAt != null).ThenBy(x => x.RaisedAt).ThenBy(x => x.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)).ToListAsync(ct);
        return new Paged<QuestionDto>(items, total, page, pageSize, capped);
    }

    /// <summary>
    /// The question with who raised and answered it, and the record it is about with that record's owner. The record is one the
    /// caller may see (the question was read through it), so naming it tells nothing new.
    /// </summary>
    private static IQueryable<QuestionDto> Project(ProspectorDb db, IQueryable<OpenQuestion> q) =>
        q.Select(x => new
        {
            Q = x,
            Contact = db.Contacts.Where(c => c.Id == x.ContactId)
                .Select(c => new { Name = (c.FirstName + " " + (c.NamePrefix == null ? "" : c.NamePrefix + " ") + c.LastName).Trim(), c.OwnerId }).FirstOrDefault(),
            Company = db.Companies.Where(c => c.Id == x.CompanyId).Select(c => new { c.Name, c.OwnerId }).FirstOrDefault(),
            Deal = db.Opportunities.Where(o => o.Id == x.OpportunityId).Select(o => new { Name = o.Title, o.OwnerId }).FirstOrDefault(),
        }).Select(r => new
        {
            r.Q,
            About = r.Contact != null ? r.Contact.Name : r.Company != null ? r.Company.Name : r.Deal != null ? r.Deal.Name : null,
            OwnerId = r.Contact != null ? r.Contact.OwnerId : r.Company != null ? r.Company.OwnerId : r.Deal != null ? r.Deal.OwnerId : null,
        }).Select(r => new QuestionDto(r.Q.Id, r.Q.Kind, r.Q.Text, r.Q.ContactId, r.Q.CompanyId, r.Q.OpportunityId, r.Q.ActivityId, r.Q.NextActionId,
            r.Q.RaisedAt, db.Users.Where(u => u.Id == r.Q.RaisedById).Select(u => u.DisplayName).FirstOrDefault(),
            r.Q.AnsweredAt == null, r.Q.Answer, r.Q.AnsweredAt,
            db.Users.Where(u => u.Id == r.Q.AnsweredById).Select(u => u.DisplayName).FirstOrDefault(),
            r.Q.Category, r.About, r.OwnerId, db.Users.Where(u => u.Id == r.OwnerId).Select(u => u.DisplayName).FirstOrDefault()));

    /// <summary>
    /// The questions listed on a record: a contact's own; a company's own and those of its contacts; an opportunity's
    /// own and those of its contact.
    /// </summary>
    public static IQueryable<OpenQuestion> QuestionsOf(ProspectorDb db, AccessScope scope, long? contactId, long? companyId, long? opportunityId)
    {
        var q = scope.FilterAbout(db.OpenQuestions, db);
        if (contactId is { } c) return q.Where(x => x.ContactId == c);
        if (companyId is { } co) return q.Where(x => x.CompanyId == co || db.Contacts.Any(k => k.Id == x.ContactId && k.CompanyId == co));
        if (opportunityId is { } o)
            return q.Where(x => x.OpportunityId == o || db.Opportunities.Any(p => p.Id == o && p.ContactId != null && p.ContactId == x.ContactId));
        return q;
    }
}
