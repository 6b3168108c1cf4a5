using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Auth;
using Prospector.Features.Common;

namespace Prospector.Features.Qualification;

public sealed record CriterionView(long Id, string Label, string? Description, int Weight, bool Required,
    CriterionAnswer Answer, string? Note, string? AnsweredBy, DateTime? AnsweredAt);

public sealed record GateView(Gate Gate, GateRuleKind Rule, int MinCount, int MinScore, bool Met, int Score,
    IReadOnlyList<MissingCriterion> MissingRequired, int OptionalShort, int WeightShort, IReadOnlyList<CriterionView> Criteria);

public sealed record QualificationView(long ContactId, Stage Stage, LeadStatus LeadStatus, string? UnqualifiedReason,
    DateOnly? RecontactOn, Gate? NextGate, IReadOnlyList<GateView> Gates);

public sealed record AnswersBody(IReadOnlyList<AnswerInput>? Answers);
public sealed record StageBody(Stage? Stage, string? Reason, bool Override);
public sealed record KeepForLaterBody(ConsentChannel? Channel, DateTime? GivenAt, string? Method, DateOnly? RecontactOn);
public sealed record DisqualifyBody(string? Reason, KeepForLaterBody? KeepForLater);
public enum ConversationOutcome { NotReady, No, Yes }
public sealed record OutcomeBody(ConversationOutcome? Outcome, DateOnly? FollowUpOn, string? Reason, KeepForLaterBody? KeepForLater,
    [property: Description("Yes only: the new deal's title; default \"<Company> – <person>\" (or the person's name).")] string? OpportunityTitle,
    [property: Description("Yes only: the new deal's amount in the workspace currency (0 or more); default 0.")] decimal? Amount,
    bool Override,
    [property: Description("Yes only: when the new deal is expected to close (today or later); default in 30 days.")] DateOnly? ExpectedCloseDate = null);
public sealed record OutcomeResult(QualificationView Qualification, long? OpportunityId);

public sealed record CriterionConfig(long? Id, string? Label, string? Description, int Weight, bool Required, bool Retired);
public sealed record GateConfig(Gate Gate, GateRuleKind Rule, int MinCount, int MinScore, IReadOnlyList<CriterionConfig>? Criteria);
public sealed record CriteriaConfig(IReadOnlyList<GateConfig>? Gates);

/// <summary>Qualification and lifecycle over HTTP: criteria answers, stage moves through gates, disqualify, outcomes.</summary>
public static class QualificationApi
{
    public static IEndpointRouteBuilder MapQualificationApi(this IEndpointRouteBuilder app)
    {
        var c = app.MapGroup("/contacts/{id:long}").WithTags("Qualification");
        c.MapGet("/qualification", Get);
        c.MapPut("/qualification", PutAnswers);
        c.MapPost("/stage", MoveStage);
        c.MapPost("/disqualify", Disqualify);
        c.MapPost("/outcome", Outcome).WithSummary("Record the outcome of a sales conversation: NotReady, No or Yes.")
            .WithDescription("Yes is the one way a lead becomes a prospect with a deal (the UI's \"Yes: make a prospect\" does the same): " +
                "the contact passes the Lead → Prospect gate (or a manager overrides it with a reason) and gets its first opportunity with " +
                "opportunityTitle, amount and expectedCloseDate (defaults: \"<Company> – <person>\", 0, in 30 days).");
        c.MapGet("/lifecycle", Events);
        var admin = app.MapGroup("/qualification/criteria").WithTags("Qualification");
        admin.MapGet("/", async (QualificationConfig config, CancellationToken ct) => TypedResults.Ok(await config.GetAsync(ct)));
        admin.MapPut("/", async Task<Results<Ok<CriteriaConfig>, ValidationProblem, ProblemHttpResult>> (Body<CriteriaConfig> body, QualificationConfig config,
            CancellationToken ct) => (await config.PutAsync(body.Value, ct)).ToOk()).RequireAuthorization(Policies.Admin);
        return app;
    }

    private static async Task<Results<Ok<QualificationView>, ValidationProblem, ProblemHttpResult>> Get(
        long id, AccessScope scope, Qualifications q, CancellationToken ct) => (await q.ViewAsync(id, scope, ct)).ToOk();

    private static async Task<Results<Ok<QualificationView>, ValidationProblem, ProblemHttpResult>> PutAnswers(
        long id, Body<AnswersBody> b, AccessScope scope, Qualifications q, CancellationToken ct) =>
        (await q.AnswerAsync(id, b.Value.Answers, scope, ct)).ToOk(r => r.View);

    private static async Task<Results<Ok<QualificationView>, ValidationProblem, ProblemHttpResult>> MoveStage(
        long id, Body<StageBody> b, AccessScope scope, Qualifications q, CancellationToken ct) =>
        (await q.MoveAsync(id, b.Value.Stage, b.Value.Reason, b.Value.Override, scope, ct)).ToOk(r => r.View);

    private static async Task<Results<Ok<QualificationView>, ValidationProblem, ProblemHttpResult>> Disqualify(
        long id, Body<DisqualifyBody> b, AccessScope scope, Qualifications q, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var body = b.Value;
        if (ToKeep(body.KeepForLater, l, out var keep) is { } invalid) return TypedResults.ValidationProblem(invalid);
        return (await q.DisqualifyAsync(id, body.Reason, keep, scope, ct)).ToOk(r => r.View);
    }

    private static async Task<Results<Ok<OutcomeResult>, ValidationProblem, ProblemHttpResult>> Outcome(
        long id, Body<OutcomeBody> b, AccessScope scope, Qualifications q, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var body = b.Value;
        if (body.Outcome is not { } outcome)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["outcome"] = [l["{0} must be one of: {1}.", "outcome", "NotReady, No, Yes"]] });
        if (ToKeep(body.KeepForLater, l, out var keep) is { } invalid) return TypedResults.ValidationProblem(invalid);
        var changed = outcome switch
        {
            ConversationOutcome.NotReady => await q.StandbyAsync(id, body.FollowUpOn, body.Reason, scope, ct),
            ConversationOutcome.No => await q.DisqualifyAsync(id, body.Reason, keep, scope, ct),
            _ => await q.WinOverAsync(id, new NewDeal(body.OpportunityTitle, body.Amount, body.ExpectedCloseDate), body.Reason, body.Override, scope, ct),
        };
        return changed.ToOk(r => new OutcomeResult(r.View, r.OpportunityId));
    }

    private static async Task<Results<Ok<List<LifecycleEventView>>, ValidationProblem, ProblemHttpResult>> Events(
        long id, AccessScope scope, Qualifications q, CancellationToken ct) => (await q.EventsAsync(id, scope, ct)).ToOk();

    private static Dictionary<string, string[]>? ToKeep(KeepForLaterBody? body, IStringLocalizer l, out KeepForLater? keep)
    {
        keep = null;
        if (body is null) return null;
        var errors = new Dictionary<string, string[]>();
        // Keeping a record for later is only lawful with the person's consent: channel, date and how it was given.
        if (body.Channel is null) errors["keepForLater.channel"] = [l["{0} must be one of: {1}.", "channel", "Email, Phone, Sms"]];
        if (body.GivenAt is null) errors["keepForLater.givenAt"] = [l["{0} is required.", "givenAt"]];
        if (string.IsNullOrWhiteSpace(body.Method)) errors["keepForLater.method"] = [l["Say how the consent was given (up to 200 characters)."]];
        if (body.RecontactOn is null) errors["keepForLater.recontactOn"] = [l["Choose a recontact date in the future."]];
        if (errors.Count > 0) return errors;
        keep = new KeepForLater(body.Channel!.Value, body.GivenAt!.Value, body.Method!, body.RecontactOn!.Value);
        return null;
    }
}
