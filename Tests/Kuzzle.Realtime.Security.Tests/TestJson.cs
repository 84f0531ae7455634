using System.Text.Json;

namespace Kuzzle.Realtime.Security.Tests;

/// <summary>JSON text to <see cref="JsonElement"/> for test inputs.</summary>
internal static class TestJson
{
    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts that <paramref name="action"/> throws the given id with the given placeholder values.</summary>
    public static void AssertError(Action action, string errorId, params object[] props)
    {
        var error = Assert.Throws<SecurityValidationException>(() => action())!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.ErrorId, Is.EqualTo(errorId));
            Assert.That(error.Props, Is.EqualTo(props));
        }
    }
}
