using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Conversations;

public sealed record AnswerBody(string? Answer);
public sealed record AttachBody(long? NextActionId);

/// <summary>Conversations over HTTP: log and list activities, answer open questions, read a record's timeline.</summary>
public static class ActivitiesApi
{
    public static IEndpointRouteBuilder MapActivitiesApi(this IEndpointRouteBuilder app)
    {
        var a = app.MapGroup("/activities").WithTags("Conversations");
        a.MapGet("/", List);
        a.MapPost("/", Create).Accepts<ActivityDto>("application/json");
        a.MapGet("/{id:long}", Get);
        a.MapDelete("/{id:long}", Delete);
        var q = app.MapGroup("/questions").WithTags("Conversations");
        q.MapGet("/", Questions);
        q.MapPost("/{id:long}/answer", Answer).Accepts<AnswerBody>("application/json");
        q.MapPost("/{id:long}/attach", Attach).Accepts<AttachBody>("application/json");
        app.MapGet("/timeline", GetTimeline).WithTags("Conversations");
        return app;
    }

    private static async Task<Results<Ok<Paged<ActivityDto>>, ValidationProblem>> List(
        ProspectorDb db, RecordAccess access, ClaimsPrincipal user, CancellationToken ct,
        long? contactId = null, long? companyId = null, long? opportunityId = null, Channel? channel = null, Direction? direction = null,
        string? outcome = null, long? userId = null, DateTime? from = null, DateTime? to = null, int? page = null, int? pageSize = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        var scope = await access.ScopeAsync(user, ct);
        var filter = new ActivityFilter(contactId, companyId, opportunityId, channel, direction, outcome, userId,
            from?.ToUniversalTime(), to?.ToUniversalTime());
        return TypedResults.Ok(await ActivityQueries.PageAsync(db, scope, filter, p, size, ct));
    }

    private static async Task<Results<Created<ActivityDto>, ValidationProblem>> Create(
        HttpRequest request, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, TimeProvider time, CancellationToken ct)
    {
        var (f, errors) = await JsonFields.ReadAsync(request, ActivityWrites.Allowed, ct);
        if (f is null) return TypedResults.ValidationProblem(errors!);
        var scope = await access.ScopeAsync(user, ct);
        var (activity, invalid) = await ActivityWrites.CreateAsync(db, scope, f, time.GetUtcNow().UtcDateTime, ct);
        if (activity is null) return TypedResults.ValidationProblem(invalid!);
        var dto = (await ActivityQueries.LoadAsync(db, [activity.Id], ct))[0];
        return TypedResults.Created($"/api/v1/activities/{activity.Id}", dto);
    }

    private static async Task<Results<Ok<ActivityDto>, ProblemHttpResult>> Get(
        long id, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, CancellationToken ct)
    {
        var scope = await access.ScopeAsync(user, ct);
        if (!await scope.FilterAbout(db.Activities, db).AnyAsync(a => a.Id == id, ct)) return NotFound("Activity", id);
        return TypedResults.Ok((await ActivityQueries.LoadAsync(db, [id], ct))[0]);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        long id, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, TimeProvider time, CancellationToken ct)
    {
        var scope = await access.ScopeAsync(user, ct);
        var a = await scope.FilterAbout(db.Activities, db).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (a is null) return NotFound("Activity", id);
        // Only who logged it, or a manager, may take a conversation back out of the record.
        if (a.UserId != scope.UserId && !scope.IsManagerOrAdmin)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not yours",
                detail: "Only the person who logged an activity, a manager or an admin can delete it.");
        a.DeletedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<List<QuestionDto>>, ValidationProblem>> Questions(
        ProspectorDb db, RecordAccess access, ClaimsPrincipal user, CancellationToken ct,
        long? contactId = null, long? companyId = null, long? opportunityId = null, bool? open = null)
    {
        var scope = await access.ScopeAsync(user, ct);
        var q = ActivityQueries.QuestionsOf(db, scope, contactId, companyId, opportunityId);
        if (open is { } o) q = o ? q.Where(x => x.AnsweredAt == null) : q.Where(x => x.AnsweredAt != null);
        return TypedResults.Ok(await ActivityQueries.QuestionsAsync(db, q, ct));
    }

    private static async Task<Results<Ok<QuestionDto>, ValidationProblem, ProblemHttpResult>> Answer(
        long id, HttpRequest request, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, TimeProvider time,
        IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var (f, errors) = await JsonFields.ReadAsync(request, AnswerFields, ct);
        if (f is null) return TypedResults.ValidationProblem(errors!);
        string? answer = null;
        f.String("answer", QuestionWrites.AnswerMax, v => answer = v);
        if (f.Errors.Count > 0) return TypedResults.ValidationProblem(f.Errors);
        var scope = await access.ScopeAsync(user, ct);
        return await QuestionWrites.AnswerAsync(db, scope, id, answer, time.GetUtcNow().UtcDateTime, ct) switch
        {
            QuestionChange.NotFound => NotFound("Question", id),
            QuestionChange.AlreadyAnswered => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: l["Already answered"],
                detail: l["This question was answered already; its answer is kept."]),
            QuestionChange.Invalid => Api.Invalid("answer", l["Write the answer (1 to {0} characters).", QuestionWrites.AnswerMax]),
            _ => TypedResults.Ok(await OneQuestionAsync(db, id, ct)),
        };
    }

    private static async Task<Results<Ok<QuestionDto>, ValidationProblem, ProblemHttpResult>> Attach(
        long id, HttpRequest request, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var (f, errors) = await JsonFields.ReadAsync(request, AttachFields, ct);
        if (f is null) return TypedResults.ValidationProblem(errors!);
        long? nextActionId = null;
        f.Id("nextActionId", v => nextActionId = v);
        if (f.Errors.Count > 0) return TypedResults.ValidationProblem(f.Errors);
        var scope = await access.ScopeAsync(user, ct);
        return await QuestionWrites.AttachAsync(db, scope, id, nextActionId, ct) switch
        {
            QuestionChange.NotFound => NotFound("Question", id),
            QuestionChange.Invalid => Api.Invalid("nextActionId", l["There is no open next action {0} of the same contact or opportunity.", nextActionId ?? 0]),
            _ => TypedResults.Ok(await OneQuestionAsync(db, id, ct)),
        };
    }

    private static readonly IReadOnlySet<string> AnswerFields = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "answer" };
    private static readonly IReadOnlySet<string> AttachFields = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "nextActionId" };

    private static async Task<QuestionDto> OneQuestionAsync(ProspectorDb db, long id, CancellationToken ct) =>
        (await ActivityQueries.QuestionsAsync(db, db.OpenQuestions.Where(x => x.Id == id), ct))[0];

    private static async Task<Results<Ok<Paged<TimelineEntry>>, ValidationProblem, ProblemHttpResult>> GetTimeline(
        ProspectorDb db, RecordAccess access, ClaimsPrincipal user, IStringLocalizer<SharedResource> l, CancellationToken ct,
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
        var scope = await access.ScopeAsync(user, ct);
        var visible = contactId is { } c ? await scope.Filter(db.Contacts).AnyAsync(x => x.Id == c, ct)
            : companyId is { } co ? await scope.Filter(db.Companies).AnyAsync(x => x.Id == co, ct)
            : await scope.Filter(db.Opportunities).AnyAsync(x => x.Id == opportunityId, ct);
        if (!visible) return NotFound("Record", contactId ?? companyId ?? opportunityId ?? 0);
        return TypedResults.Ok(await new TimelineQuery(contactId, companyId, opportunityId, kinds, channel).PageAsync(db, scope, p, size, ct));
    }

    private static ProblemHttpResult NotFound(string what, long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: $"{what} not found", detail: $"There is no {what.ToLowerInvariant()} {id} that you can see.");
}
