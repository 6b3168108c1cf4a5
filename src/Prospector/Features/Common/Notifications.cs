namespace Prospector.Features.Common;

/// <summary>
/// In-process signal "user N has a new in-app notification": open pages of that user refresh at once. Pages also look
/// every few seconds, which covers notifications delivered by another instance behind the same load balancer.
/// </summary>
public sealed class Notifications
{
    public event Action<long>? Changed;

    public void Publish(long userId) => Changed?.Invoke(userId);
}
