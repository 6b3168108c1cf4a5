using Microsoft.AspNetCore.Http.HttpResults;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.CreditChecks;

/// <summary>/api/v1/opportunities/{id}/credit-checks: list, record, and a manager's override of a failed check (<see cref="CreditCheckService"/>).</summary>
public static class CreditChecksApi
{
    public static IEndpointRouteBuilder MapCreditChecksApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/opportunities/{id:long}/credit-checks").WithTags("Opportunities");
        g.MapGet("/", List).WithSummary("The deal's credit checks, newest first (the newest counts).");
        g.MapPost("/", Record)
            .WithSummary("Record a credit check of the deal: Passed, Limited (with limitAmount) or Failed; when, agency or source, note.")
            .WithDescription("While the newest check is Failed and not overridden, the deal cannot move past its pipeline's credit check step " +
                "(a later step, or won): /move and /win answer 400 naming \"stepId\" or \"state\".");
        g.MapPost("/override", Override)
            .WithSummary("A manager or an admin lets the deal go on despite its failed credit check, with a reason (audited).")
            .WithDescription("403 for a sales rep; 409 when the newest check has not failed or is overridden already.");
        return app;
    }

    private static async Task<Results<Ok<List<CreditCheckDto>>, ValidationProblem, ProblemHttpResult>> List(
        long id, AccessScope scope, CreditCheckService checks, CancellationToken ct) => (await checks.ListAsync(id, scope, ct)).ToOk();

    private static async Task<Results<Created<CreditCheckDto>, ValidationProblem, ProblemHttpResult>> Record(
        long id, Body<NewCreditCheck> body, AccessScope scope, CreditCheckService checks, CancellationToken ct) =>
        (await checks.RecordAsync(id, body.Value, scope, ct)).ToCreated(c => $"/api/v1/opportunities/{id}/credit-checks", c => c);

    private static async Task<Results<Ok<CreditCheckDto>, ValidationProblem, ProblemHttpResult>> Override(
        long id, Body<CreditOverrideBody> body, AccessScope scope, CreditCheckService checks, CancellationToken ct) =>
        (await checks.OverrideAsync(id, body.Value.Reason, scope, ct)).ToOk();
}
