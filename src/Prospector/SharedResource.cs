namespace Prospector;

/// <summary>Anchor type of the UI strings in Resources/SharedResource.*.resx (English text is the key).</summary>
public sealed class SharedResource;
