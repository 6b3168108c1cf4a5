using Microsoft.AspNetCore.Http.HttpResults;
using Prospector.Features.Access;
using Prospector.Features.Auth;
using Prospector.Features.Common;

namespace Prospector.Features.Webhooks;

/// <summary>/api/v1/webhooks (admins only): endpoints, their delivery log, retry and a test event; every write through <see cref="WebhookAdmin"/>.</summary>
public static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization(Policies.Admin);
        g.MapGet("/", List).WithSummary("All webhook endpoints (without their secrets).");
        g.MapGet("/events", () => TypedResults.Ok(WebhookAdmin.EventTypes.ToList())).WithSummary("The event types an endpoint can subscribe to.");
        g.MapGet("/{id:long}", Get).WithSummary("One webhook endpoint.");
        g.MapPost("/", Create).WithSummary("Registers an endpoint; the answer holds its signing secret, shown this once.")
            .WithDescription("The url must be https:// and resolve to a public address (checked again at every delivery); a bad url answers 400 naming the field \"url\".");
        g.MapPatch("/{id:long}", Update).WithSummary("Changes url, events, description or active (false pauses, true resumes); fields left out stay.");
        g.MapDelete("/{id:long}", Delete).WithSummary("Deletes the endpoint and its delivery log.");
        g.MapPost("/{id:long}/secret", Rotate).WithSummary("Makes a new signing secret (shown this once); the old one stops working at once.");
        g.MapPost("/{id:long}/test", Test).WithSummary("Sends a webhook.test event to this endpoint now.");
        g.MapGet("/{id:long}/deliveries", Deliveries).WithSummary("The delivery log, newest first: status, response code, duration, attempts, next retry, an excerpt of the answer.")
            .WithDescription("before (a delivery id) pages back; limit 1–200 (default 50).");
        g.MapPost("/{id:long}/deliveries/{deliveryId:long}/retry", Retry).WithSummary("Sends a delivery again now (same event, same body).");
        return app;
    }

    private static async Task<Results<Ok<List<WebhookDto>>, ValidationProblem, ProblemHttpResult>> List(AccessScope scope, WebhookAdmin hooks, CancellationToken ct) =>
        (await hooks.ListAsync(scope, ct)).ToOk();

    private static async Task<Results<Ok<WebhookDto>, ValidationProblem, ProblemHttpResult>> Get(long id, AccessScope scope, WebhookAdmin hooks, CancellationToken ct) =>
        (await hooks.FindAsync(scope, id, ct)).ToOk();

    private static async Task<Results<Created<WebhookWithSecret>, ValidationProblem, ProblemHttpResult>> Create(
        Body<WebhookInput> body, AccessScope scope, WebhookAdmin hooks, CancellationToken ct) =>
        (await hooks.CreateAsync(scope, body.Value, ct)).ToCreated(w => $"/api/v1/webhooks/{w.Endpoint.Id}", w => w);

    private static async Task<Results<Ok<WebhookDto>, ValidationProblem, ProblemHttpResult>> Update(
        long id, Body<WebhookInput> body, AccessScope scope, WebhookAdmin hooks, CancellationToken ct) =>
        (await hooks.UpdateAsync(scope, id, body.Value, ct)).ToOk();

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(long id, AccessScope scope, WebhookAdmin hooks, CancellationToken ct) =>
        (await hooks.DeleteAsync(scope, id, ct)).ToNoContent();

    private static async Task<Results<Ok<WebhookWithSecret>, ValidationProblem, ProblemHttpResult>> Rotate(long id, AccessScope scope, WebhookAdmin hooks, CancellationToken ct) =>
        (await hooks.RotateSecretAsync(scope, id, ct)).ToOk();

    private static async Task<Results<Ok<WebhookDeliveryDto>, ValidationProblem, ProblemHttpResult>> Test(long id, AccessScope scope, WebhookAdmin hooks, CancellationToken ct) =>
        (await hooks.SendTestAsync(scope, id, ct)).ToOk();

    private static async Task<Results<Ok<List<WebhookDeliveryDto>>, ValidationProblem, ProblemHttpResult>> Deliveries(
        long id, AccessScope scope, WebhookAdmin hooks, CancellationToken ct, long? before = null, int limit = 50) =>
        (await hooks.DeliveriesAsync(scope, id, before, limit, ct)).ToOk();

    private static async Task<Results<Ok<WebhookDeliveryDto>, ValidationProblem, ProblemHttpResult>> Retry(
        long id, long deliveryId, AccessScope scope, WebhookAdmin hooks, CancellationToken ct) =>
        (await hooks.RetryAsync(scope, id, deliveryId, ct)).ToOk();
}
