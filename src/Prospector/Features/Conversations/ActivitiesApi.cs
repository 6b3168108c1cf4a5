using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Conversations;

/// <summary>The body of POST /api/v1/questions/{id}/answer.</summary>
public sealed record AnswerBody(string? Answer) : IReadFieldByField;
/// <summary>The body of POST /api/v1/questions/{id}/attach (null detaches).</summary>
public sealed record AttachBody(long? NextActionId) : IReadFieldByField;

/// <summary>Conversations over HTTP: log and list activities, answer open questions, read a record's timeline. Writes go through <see cref="ConversationService"/>.</summary>
public static class ActivitiesApi
{
    public static IEndpointRouteBuilder MapActivitiesApi(this IEndpointRouteBuilder app)
    {
        var a = app.MapGroup("/activities").WithTags("Conversations");
        a.MapGet("/", List);
        a.MapPost("/", Create);
        a.MapGet("/{id:long}", Get);
        a.MapDelete("/{id:long}", Delete);
        var q = app.MapGroup("/questions").WithTags("Conversations");
        q.MapGet("/", Questions)
            .WithSummary("Questions and concerns across every record you may see, paged, oldest open first.")
            .WithDescription("Filters: contactId, companyId or opportunityId (that record's questions; a company's include its contacts', a deal's " +
                "its contact's); open (true: still open; false: answered); owner (user id: the owner of the record a question is about); " +
                "category (Price, Timing, Competitor, Integration, Authority, Other, or none for uncategorised); olderThanDays (raised more " +
                "than N days ago); kind (Question or Concern). Answer one with POST /questions/{id}/answer.");
        q.MapPost("/{id:long}/answer", Answer);
        q.MapPost("/{id:long}/attach", Attach);
        app.MapGet("/timeline", GetTimeline).WithTags("Conversations");
        return app;
    }

    private static async Task<Results<Ok<Paged<ActivityDto>>, ValidationProblem>> List(
        ProspectorDb db, AccessScope scope, CancellationToken ct,
        long? contactId = null, long? companyId = null, long? opportunityId = null, Channel? channel = null, Direction? direction = null,
        string? outcome = null, long? userId = null, DateTime? from = null, DateTime? to = null, int? page = null, int? pageSize = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        var filter = new ActivityFilter(contactId, companyId, opportunityId, channel, direction, outcome, userId,
            from?.ToUniversalTime(), to?.ToUniversalTime());
        return TypedResults.Ok(await ActivityQueries.PageAsync(db, scope, filter, p, size, ct));
    }

    private static async Task<Results<Created<ActivityDto>, ValidationProblem, ProblemHttpResult>> Create(
        Body<NewActivity> body, ConversationService conversations, AccessScope scope, CancellationToken ct) =>
        (await conversations.LogAsync(scope, body.Fields, ct)).ToCreated(a => $"/api/v1/activities/{a.Id}", a => a);

    private static async Task<Results<Ok<ActivityDto>, ValidationProblem, ProblemHttpResult>> Get(
        long id, ConversationService conversations, AccessScope scope, CancellationToken ct) =>
        (await conversations.FindAsync(scope, id, ct)).ToOk();

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(
        long id, ConversationService conversations, AccessScope scope, CancellationToken ct) =>
        (await conversations.DeleteAsync(scope, id, ct)).ToNoContent();

    /// <summary>The questions and concerns across every record the caller may see, paged; see <see cref="ActivityQueries.PageAsync(ProspectorDb, AccessScope, QuestionFilter, DateTime, int, int, CancellationToken)"/>.</summary>
    private static async Task<Results<Ok<Paged<QuestionDto>>, ValidationProblem>> Questions(
        ProspectorDb db, AccessScope scope, TimeProvider time, IStringLocalizer<SharedResource> l, CancellationToken ct,
        long? contactId = null, long? companyId = null, long? opportunityId = null, bool? open = null, long? owner = null,
        string? category = null, int? olderThanDays = null, OpenQuestionKind? kind = null, int? page = null, int? pageSize = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        if (olderThanDays is < 0 or > 3650) return Api.Invalid("olderThanDays", l["{0} must be between {1} and {2}.", "olderThanDays", 0, 3650]);
        ConcernCategory? cat = null;
        var none = string.Equals(category, "none", StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrWhiteSpace(category) && !none)
        {
            if (!Enum.TryParse<ConcernCategory>(category, true, out var c) || !Enum.IsDefined(c) || char.IsDigit(category[0]))
                return Api.Invalid("category", l["{0} must be one of: {1}.", "category", string.Join(", ", [.. Enum.GetNames<ConcernCategory>(), "none"])]);
            cat = c;
        }
        var filter = new QuestionFilter(contactId, companyId, opportunityId, open, kind, cat, none, olderThanDays, owner);
        return TypedResults.Ok(await ActivityQueries.PageAsync(db, scope, filter, time.GetUtcNow().UtcDateTime, p, size, ct));
    }

    private static async Task<Results<Ok<QuestionDto>, ValidationProblem, ProblemHttpResult>> Answer(
        long id, Body<AnswerBody> body, ConversationService conversations, AccessScope scope, CancellationToken ct)
    {
        var f = body.Fields;
        string? answer = null;
        f.String("answer", ActivityWrites.AnswerMax, v => answer = v);
        if (f.Errors.Count > 0) return TypedResults.ValidationProblem(f.Errors);
        return (await conversations.AnswerAsync(scope, id, answer, ct)).ToOk();
    }

    private static async Task<Results<Ok<QuestionDto>, ValidationProblem, ProblemHttpResult>> Attach(
        long id, Body<AttachBody> body, ConversationService conversations, AccessScope scope, CancellationToken ct)
    {
        var f = body.Fields;
        long? nextActionId = null;
        f.Id("nextActionId", v => nextActionId = v);
        if (f.Errors.Count > 0) return TypedResults.ValidationProblem(f.Errors);
        return (await conversations.AttachAsync(scope, id, nextActionId, ct)).ToOk();
    }

    private static async Task<Results<Ok<Paged<TimelineEntry>>, ValidationProblem, ProblemHttpResult>> GetTimeline(
        ConversationService conversations, AccessScope scope, IStringLocalizer<SharedResource> l, CancellationToken ct,
        long? contactId = null, long? companyId = null, long? opportunityId = null, string? type = null, Channel? channel = null,
        int? page = null, int? pageSize = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        if (new[] { contactId, companyId, opportunityId }.Count(x => x is not null) != 1)
            return Api.Invalid("contactId", l["Give exactly one of contactId, companyId or opportunityId."]);
        var kinds = new HashSet<TimelineKind>();
        foreach (var t in (type ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<TimelineKind>(t, true, out var k) || !Enum.IsDefined(k) || char.IsDigit(t[0]))
                return Api.Invalid("type", l["{0} must be one of: {1}.", "type", string.Join(", ", Enum.GetNames<TimelineKind>())]);
            kinds.Add(k);
        }
        return (await conversations.TimelineAsync(scope, new TimelineQuery(contactId, companyId, opportunityId, kinds, channel), p, size, ct)).ToOk();
    }
}
