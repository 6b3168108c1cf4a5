using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Contacts;
using Prospector.Features.Conversations;
using Prospector.Features.Forms;
using Prospector.Features.Lists;
using Prospector.Features.Pipelines;

namespace Prospector.Features.Webhooks;

/// <summary>
/// The "data" of an event: the same DTO the API answers for that record, read as an admin (only admins own endpoints, and they see
/// every record). A record gone by the time the event is sent (erased) is sent as { id } alone.
/// </summary>
public static class WebhookPayloads
{
    public static async Task<object> DataAsync(IServiceProvider sp, WebhookEvent e, CancellationToken ct)
    {
        var admin = new AccessScope(0, Roles.Admin, [], [], SeesAll: true);
        var db = sp.GetRequiredService<ProspectorDb>();
        object? data = e.EntityType switch
        {
            "Contact" => await sp.GetRequiredService<ContactService>().FindAsync(admin, e.EntityId, includeDeleted: true, ct) is { IsOk: true } c
                ? ContactDto.From(c.Value!) : null,
            "Opportunity" => await sp.GetRequiredService<OpportunityService>().FindAsync(e.EntityId, admin, ct) is { IsOk: true } o ? o.Value : null,
            "Activity" => await sp.GetRequiredService<ConversationService>().FindAsync(admin, e.EntityId, ct) is { IsOk: true } a ? a.Value : null,
            "FormSubmission" => await db.FormSubmissions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == e.EntityId, ct) is { } s ? FormService.ToDto(s) : null,
            "Import" => await db.Imports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == e.EntityId, ct) is { } i ? ImportDto.From(i) : null,
            _ => null,
        };
        return data ?? new { id = e.EntityId };
    }
}
