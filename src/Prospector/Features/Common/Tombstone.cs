using Microsoft.Extensions.Localization;
using Prospector.Data;

namespace Prospector.Features.Common;

/// <summary>
/// The one rule for an erased contact (<see cref="Contact.ErasedAt"/>): it is a tombstone without personal data that is never
/// changed again — no edit, delete, restore, stage or status move, qualification answer, hand-over or merge. Every service
/// that writes a contact row, or a row about a contact, asks <see cref="Refuse{T}"/> after loading the contact.
/// </summary>
public static class Tombstone
{
    public const string Title = "This contact's personal data was erased";

    /// <summary>The refusal (409) when <paramref name="contact"/> is a tombstone, or null when it may be changed.</summary>
    public static Outcome<T>? Refuse<T>(Contact contact, IStringLocalizer<SharedResource> l) =>
        contact.ErasedAt is null ? null
            : Outcome<T>.Conflict(Title, l["An erased contact stays a tombstone without personal data: it cannot be changed, deleted or restored."]);
}
