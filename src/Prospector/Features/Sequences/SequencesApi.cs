using Microsoft.AspNetCore.Http.HttpResults;
using Prospector.Features.Access;
using Prospector.Features.Auth;
using Prospector.Features.Common;

namespace Prospector.Features.Sequences;

/// <summary>/api/v1/sequences: nurturing sequences (managers and admins write them) and enrolments (anyone, for contacts they can see).</summary>
public static class SequencesApi
{
    public static IEndpointRouteBuilder MapSequencesApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/sequences").WithTags("Sequences");
        g.MapGet("/", List).WithSummary("All sequences with their steps and how many contacts are on each.");
        g.MapGet("/{id:long}", Get).WithSummary("One sequence with its steps.");
        g.MapPost("/", Create).RequireAuthorization(Policies.ManagerOrAdmin).WithSummary("Creates a sequence (managers and admins).")
            .WithDescription("Steps run in order: SendEmail (templateId), Wait (waitDays), Task (taskType and text: a next action for the contact's owner).");
        g.MapPut("/{id:long}", Update).RequireAuthorization(Policies.ManagerOrAdmin)
            .WithSummary("Replaces name, description and all steps (managers and admins); enrolled contacts keep their position.");
        g.MapDelete("/{id:long}", Delete).RequireAuthorization(Policies.ManagerOrAdmin)
            .WithSummary("Deletes a sequence and its finished enrolments; 409 while contacts are enrolled.");
        g.MapPost("/{id:long}/enrolments", Enrol).WithSummary("Enrols one contact on lead status Nurturing; 409 when it is not on Nurturing or already in a sequence.");
        g.MapPost("/{id:long}/enrolments/bulk", EnrolMany)
            .WithSummary("Enrols many contacts; answers who was enrolled and who was skipped, with the reason (NotNurturing, AlreadyEnrolled, NotFound).");
        g.MapGet("/enrolments", Enrolments).WithSummary("Enrolments of contacts you can see, newest first (at most 500).")
            .WithDescription("Filter by contactId and/or sequenceId; active=true for running ones only.");
        g.MapPost("/enrolments/{enrolmentId:long}/stop", Stop).WithSummary("Stops an enrolment by hand (reason StoppedByHand).");
        return app;
    }

    private static async Task<Ok<List<SequenceDto>>> List(SequenceAdmin admin, CancellationToken ct) => TypedResults.Ok(await admin.ListAsync(ct));

    private static async Task<Results<Ok<SequenceDto>, ValidationProblem, ProblemHttpResult>> Get(long id, SequenceAdmin admin, CancellationToken ct) =>
        (await admin.FindAsync(id, ct)).ToOk();

    private static async Task<Results<Created<SequenceDto>, ValidationProblem, ProblemHttpResult>> Create(
        Body<SequenceInput> body, AccessScope scope, SequenceAdmin admin, CancellationToken ct) =>
        (await admin.CreateAsync(scope, body.Value, ct)).ToCreated(s => $"/api/v1/sequences/{s.Id}", s => s);

    private static async Task<Results<Ok<SequenceDto>, ValidationProblem, ProblemHttpResult>> Update(
        long id, Body<SequenceInput> body, AccessScope scope, SequenceAdmin admin, CancellationToken ct) =>
        (await admin.UpdateAsync(scope, id, body.Value, ct)).ToOk();

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(long id, AccessScope scope, SequenceAdmin admin, CancellationToken ct) =>
        (await admin.DeleteAsync(scope, id, ct)).ToNoContent();

    private static async Task<Results<Created<EnrolmentDto>, ValidationProblem, ProblemHttpResult>> Enrol(
        long id, Body<EnrolInput> body, AccessScope scope, Enrolments enrolments, CancellationToken ct) =>
        (await enrolments.EnrolAsync(scope, id, body.Value.ContactId, ct)).ToCreated(e => $"/api/v1/sequences/enrolments?contactId={e.ContactId}", e => e);

    private static async Task<Results<Ok<BulkEnrolResult>, ValidationProblem, ProblemHttpResult>> EnrolMany(
        long id, Body<BulkEnrolInput> body, AccessScope scope, Enrolments enrolments, CancellationToken ct) =>
        (await enrolments.EnrolManyAsync(scope, id, body.Value.ContactIds, ct)).ToOk();

    private static async Task<Ok<List<EnrolmentDto>>> Enrolments(AccessScope scope, Enrolments enrolments, CancellationToken ct,
        long? contactId = null, long? sequenceId = null, bool active = false) =>
        TypedResults.Ok(await enrolments.ListAsync(scope, contactId, sequenceId, active, ct));

    private static async Task<Results<Ok<EnrolmentDto>, ValidationProblem, ProblemHttpResult>> Stop(
        long enrolmentId, Body<StopInput>? body, AccessScope scope, Enrolments enrolments, CancellationToken ct) =>
        (await enrolments.StopAsync(scope, enrolmentId, body?.Value.Note, ct)).ToOk();
}
