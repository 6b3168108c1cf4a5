using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace Prospector.Features.Auth;

/// <summary>Identity's messages that users actually meet, in their language.</summary>
public sealed class LocalizedIdentityErrors(IStringLocalizer<SharedResource> l) : IdentityErrorDescriber
{
    public override IdentityError PasswordTooShort(int length) =>
        new() { Code = nameof(PasswordTooShort), Description = l["The password needs at least {0} characters.", length] };

    public override IdentityError DuplicateEmail(string email) =>
        new() { Code = nameof(DuplicateEmail), Description = l["There is already a user with the e-mail address {0}.", email] };

    public override IdentityError DuplicateUserName(string userName) =>
        new() { Code = nameof(DuplicateUserName), Description = l["There is already a user with the e-mail address {0}.", userName] };

    public override IdentityError InvalidEmail(string? email) =>
        new() { Code = nameof(InvalidEmail), Description = l["'{0}' is not a valid e-mail address.", email ?? ""] };

    public override IdentityError InvalidUserName(string? userName) =>
        new() { Code = nameof(InvalidUserName), Description = l["'{0}' is not a valid e-mail address.", userName ?? ""] };
}
