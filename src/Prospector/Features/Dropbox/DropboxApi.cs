using Microsoft.AspNetCore.Http.HttpResults;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Conversations;

namespace Prospector.Features.Dropbox;

/// <summary>/api/v1/dropbox: the dropbox address and job status, and the review list of unmatched mail (docs/dropbox.md).</summary>
public static class DropboxApi
{
    public static IEndpointRouteBuilder MapDropboxApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/dropbox").WithTags("Dropbox").RequireAuthorization();
        g.MapGet("/", Status).WithSummary("The secret dropbox address to BCC or forward mail to and whether fetching works; admins also see the last check, last error and held count.");
        g.MapPost("/address", Renew).WithSummary("Replaces the secret dropbox address with a new one (admins); mail to the old address is held for review from then on.");
        g.MapGet("/unmatched", List).WithSummary("Fetched mail waiting in review, newest first (at most 200), as the caller may see it: unmatched mail; for admins also held and failed mail.");
        g.MapPost("/unmatched/{id:long}/assign", Assign).WithSummary("Logs the e-mail on a contact the caller can see; answers the activity.");
        g.MapPost("/unmatched/{id:long}/discard", Discard).WithSummary("Drops the e-mail from the review list without logging it; its text is deleted.");
        return app;
    }

    private static async Task<Ok<DropboxStatusDto>> Status(AccessScope scope, DropboxReview review, CancellationToken ct) =>
        TypedResults.Ok(await review.StatusAsync(scope, ct));

    private static async Task<Results<Ok<DropboxAddressDto>, ValidationProblem, ProblemHttpResult>> Renew(AccessScope scope, DropboxReview review, CancellationToken ct) =>
        (await review.RenewAddressAsync(scope, ct)).ToOk();

    private static async Task<Ok<List<UnmatchedMailDto>>> List(AccessScope scope, DropboxReview review, CancellationToken ct) =>
        TypedResults.Ok(await review.ListAsync(scope, ct));

    private static async Task<Results<Ok<ActivityDto>, ValidationProblem, ProblemHttpResult>> Assign(
        long id, Body<AssignMail> body, AccessScope scope, DropboxReview review, CancellationToken ct) =>
        (await review.AssignAsync(scope, id, body.Value.ContactId, ct)).ToOk();

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Discard(long id, AccessScope scope, DropboxReview review, CancellationToken ct) =>
        (await review.DiscardAsync(scope, id, ct)).ToNoContent();
}
