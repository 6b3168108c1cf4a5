using Microsoft.AspNetCore.Http.HttpResults;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Audit;
using Prospector.Features.Common;

namespace Prospector.Features.Records;

/// <summary>
/// The HTTP side of <see cref="RecordService{T}"/>, the same for contacts and companies: read one, create, merge-patch
/// (If-Match required), delete and restore (If-Match optional; a newer version answers 412), history. Each answer with a
/// record carries its version as the ETag. Only the list differs per record type.
/// </summary>
public static class RecordEndpoints
{
    public static RouteGroupBuilder MapRecordEndpoints<TRecord, TInput, TDto, TService>(this RouteGroupBuilder g)
        where TRecord : TrackedRecord, new() where TInput : class where TDto : IRecordDto<TRecord, TDto> where TService : RecordService<TRecord>
    {
        // Handed over as Delegate values: the route-handler analyzer cannot read handlers of an open generic type.
        Delegate get = RecordHandlers<TRecord, TInput, TDto, TService>.Get, create = RecordHandlers<TRecord, TInput, TDto, TService>.Create,
            update = RecordHandlers<TRecord, TInput, TDto, TService>.Update, delete = RecordHandlers<TRecord, TInput, TDto, TService>.Delete,
            restore = RecordHandlers<TRecord, TInput, TDto, TService>.Restore, history = RecordHandlers<TRecord, TInput, TDto, TService>.History;
        g.MapGet("/{id:long}", get);
        g.MapPost("/", create);
        g.MapPatch("/{id:long}", update).WithIfMatch();
        g.MapDelete("/{id:long}", delete).WithIfMatch(required: false);
        g.MapPost("/{id:long}/restore", restore).WithIfMatch(required: false);
        g.MapGet("/{id:long}/history", history);
        return g;
    }
}

/// <summary>What the API answers for a record: made from the loaded record.</summary>
public interface IRecordDto<in TRecord, out TSelf> where TSelf : IRecordDto<TRecord, TSelf>
{
    static abstract TSelf From(TRecord record);
}

/// <summary>The handlers behind <see cref="RecordEndpoints"/> for one record type.</summary>
internal static class RecordHandlers<TRecord, TInput, TDto, TService>
    where TRecord : TrackedRecord, new() where TInput : class where TDto : IRecordDto<TRecord, TDto> where TService : RecordService<TRecord>
{
    private static TDto ToDto(TRecord record) => TDto.From(record);

    public static async Task<Results<Ok<TDto>, ValidationProblem, ProblemHttpResult>> Get(
        long id, TService records, AccessScope scope, HttpResponse response, CancellationToken ct) =>
        WithETag(await records.FindAsync(scope, id, ct: ct), response).ToOk(ToDto);

    public static async Task<Results<Created<TDto>, ValidationProblem, ProblemHttpResult>> Create(
        Body<TInput> body, TService records, AccessScope scope, HttpRequest request, CancellationToken ct) =>
        WithETag(await records.CreateAsync(scope, body.Fields, ct), request.HttpContext.Response)
            .ToCreated(r => $"{request.PathBase}{request.Path.Value?.TrimEnd('/')}/{r.Id}", ToDto);

    public static async Task<Results<Ok<TDto>, ValidationProblem, ProblemHttpResult>> Update(
        long id, Body<TInput> body, TService records, AccessScope scope, HttpRequest request, CancellationToken ct)
    {
        if (Api.IfMatchVersion(request) is not { } expected) return Api.PreconditionRequired();
        return WithETag(await records.UpdateAsync(scope, id, expected, body.Fields, ct), request.HttpContext.Response).ToOk(ToDto);
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(
        long id, TService records, AccessScope scope, HttpRequest request, CancellationToken ct) =>
        (await records.DeleteAsync(scope, id, Api.IfMatchVersion(request), ct)).ToNoContent();

    public static async Task<Results<Ok<TDto>, ValidationProblem, ProblemHttpResult>> Restore(
        long id, TService records, AccessScope scope, HttpRequest request, CancellationToken ct) =>
        WithETag(await records.RestoreAsync(scope, id, Api.IfMatchVersion(request), ct), request.HttpContext.Response).ToOk(ToDto);

    public static async Task<Results<Ok<List<HistoryEntry>>, ValidationProblem, ProblemHttpResult>> History(
        long id, ProspectorDb db, TService records, AccessScope scope, CancellationToken ct)
    {
        var found = await records.FindAsync(scope, id, includeDeleted: true, ct);
        return found.IsOk ? TypedResults.Ok(await Audit.History.ForAsync(db, typeof(TRecord).Name, id, ct)) : OutcomeResults.ProblemOf(found);
    }

    private static Outcome<TRecord> WithETag(Outcome<TRecord> o, HttpResponse response)
    {
        if (o.IsOk) response.Headers.ETag = Api.ETag(o.Value!.Version);
        return o;
    }
}
