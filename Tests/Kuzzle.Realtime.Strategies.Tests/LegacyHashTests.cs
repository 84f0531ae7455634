using System.Security.Cryptography;
using System.Text;
using Kuzzle.Realtime.Strategies.Local.Hashing;

namespace Kuzzle.Realtime.Strategies.Tests;

/// <summary>
/// Kuzzle's legacy hashes (auth.md §5.3). Expected values come from two independent sources: Node's crypto module
/// (what Kuzzle itself calls; the literals below were printed by node 20 with the same inputs) and the .NET primitives
/// applied directly as the spec describes.
/// </summary>
public sealed class LegacyHashTests
{
    private const string Password = "Pässw0rd!";
    private static readonly string Salt = string.Concat(Enumerable.Repeat("00112233445566778899aabbccddeeff", 16));

    [Test]
    public void Pbkdf2_sha512_uses_the_hex_salt_text_and_512_bytes_of_output()
    {
        var hash = LegacyKuzzleHash.Compute(Password, Salt, "sha512", stretching: true, "hmac", "hex")!;
        // node: crypto.pbkdf2Sync(password, salt, 10000, 512, 'sha512').toString('hex')
        Assert.That(hash, Has.Length.EqualTo(1024));
        Assert.That(hash, Does.StartWith("62899b91387fd96bf78301a904a1347f62eb18c5d72c99e95db64869b5221412"));
        var direct = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Password), Encoding.UTF8.GetBytes(Salt), 10000, HashAlgorithmName.SHA512, 512);
        Assert.That(hash, Is.EqualTo(Convert.ToHexStringLower(direct)));
    }

    [Test]
    public void Pbkdf2_sha1_is_40_bytes()
    {
        // node: crypto.pbkdf2Sync(password, salt, 10000, 40, 'sha1').toString('hex')
        Assert.That(
            LegacyKuzzleHash.Compute(Password, Salt, "sha1", true, "hmac", "hex"),
            Is.EqualTo("cbbbf79967e20b6b3bd7afa5032d368120d3cda5b551791fcd71bb96ae6627f63065b84a93cb4da1"));
        Assert.That(LegacyKuzzleHash.Compute(Password, Salt, "RSA-SHA1", true, "hmac", "hex"), Is.EqualTo(LegacyKuzzleHash.Compute(Password, Salt, "sha1", true, "hmac", "hex")));
    }

    [Test]
    public void Pbkdf2_sha256_with_a_base64_digest()
    {
        var hash = LegacyKuzzleHash.Compute(Password, Salt, "sha256", true, "hmac", "base64")!;
        // node: crypto.pbkdf2Sync(password, salt, 10000, 256, 'sha256').toString('base64')
        Assert.That(hash, Does.StartWith("oxm5WC7iZI2RjX9dmgAI8d6jyfjT0vc47q5rVlqT"));
        var direct = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Password), Encoding.UTF8.GetBytes(Salt), 10000, HashAlgorithmName.SHA256, 256);
        Assert.That(hash, Is.EqualTo(Convert.ToBase64String(direct)));
    }

    [Test]
    public void Pbkdf2_sha384_key_length_is_384_bytes()
    {
        var hash = LegacyKuzzleHash.Compute(Password, Salt, "sha384WithRSAEncryption", true, "hmac", "hex")!;
        var direct = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Password), Encoding.UTF8.GetBytes(Salt), 10000, HashAlgorithmName.SHA384, 384);
        Assert.That(hash, Is.EqualTo(Convert.ToHexStringLower(direct)));
    }

    [Test]
    public void Hmac_mode_keys_with_the_salt_text()
    {
        // node: crypto.createHmac('sha256', salt).update(password).digest('hex')
        Assert.That(
            LegacyKuzzleHash.Compute(Password, Salt, "sha256", stretching: false, "hmac", "hex"),
            Is.EqualTo("a404a4f71ef7781cd30a87b43b111def2ab649260f15bbd86c37a418fe590d8f"));
        var direct = HMACSHA512.HashData(Encoding.UTF8.GetBytes(Salt), Encoding.UTF8.GetBytes(Password));
        Assert.That(LegacyKuzzleHash.Compute(Password, Salt, "sha512", false, "hmac", "hex"), Is.EqualTo(Convert.ToHexStringLower(direct)));
    }

    [Test]
    public void Hash_mode_hashes_salt_colon_password_or_the_bare_password_without_salt()
    {
        // node: crypto.createHash('sha384').update(salt + ':' + password).digest('hex')
        Assert.That(
            LegacyKuzzleHash.Compute(Password, Salt, "sha384", false, "hash", "hex"),
            Is.EqualTo("cfe3412fbabdde834b692101e6efcad06bb7c514c3c34f1ca0d5693fe4ae762a8655061184296babff865fdf507613df"));
        // node: crypto.createHash('sha1').update(password).digest('hex')
        Assert.That(LegacyKuzzleHash.Compute(Password, "", "sha1", false, "hash", "hex"), Is.EqualTo("2f41b907e78757343ea3716625c84480397138c6"));
    }

    [Test]
    public void Other_digests_encode_the_same_bytes()
    {
        var raw = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Salt), Encoding.UTF8.GetBytes(Password));
        Assert.Multiple(() =>
        {
            Assert.That(LegacyKuzzleHash.Compute(Password, Salt, "sha256", false, "hmac", "base64url"), Is.EqualTo(Convert.ToBase64String(raw).TrimEnd('=').Replace('+', '-').Replace('/', '_')));
            Assert.That(LegacyKuzzleHash.Compute(Password, Salt, "sha256", false, "hmac", "latin1"), Is.EqualTo(Encoding.Latin1.GetString(raw)));
            Assert.That(LegacyKuzzleHash.Compute(Password, Salt, "sha256", false, "hmac", "ucs2"), Is.Null);
        });
    }

    [Test]
    public void Verify_accepts_the_right_password_only()
    {
        var stored = LegacyKuzzleHash.Compute(Password, Salt, "sha512", true, "hmac", "hex")!;
        Assert.Multiple(() =>
        {
            Assert.That(LegacyKuzzleHash.Verify(Password, stored, Salt, "sha512", true, "hmac", "hex"), Is.True);
            Assert.That(LegacyKuzzleHash.Verify("Passw0rd!", stored, Salt, "sha512", true, "hmac", "hex"), Is.False);
            Assert.That(LegacyKuzzleHash.Verify(Password, stored, Salt, "sha512", false, "hmac", "hex"), Is.False);
            Assert.That(LegacyKuzzleHash.Verify(Password, stored, Salt, "md5", true, "hmac", "hex"), Is.False);
            Assert.That(LegacyKuzzleHash.Verify(Password, stored, Salt, "sha512", false, "rot13", "hex"), Is.False);
        });
    }

    [Test]
    public void Algorithm_names_kuzzle_accepted()
    {
        Assert.Multiple(() =>
        {
            foreach (var name in new[] { "sha1", "sha224", "RSA-SHA224", "sha224WithRSAEncryption", "sha256", "sha384", "sha512", "RSA-SHA1", "RSA-SHA256", "RSA-SHA384", "RSA-SHA512", "sha1WithRSAEncryption", "sha512WithRSAEncryption" })
            {
                Assert.That(LegacyKuzzleHash.IsKuzzleAlgorithm(name), Is.True, name);
            }

            Assert.That(LegacyKuzzleHash.IsKuzzleAlgorithm("md5"), Is.False);
            Assert.That(LegacyKuzzleHash.IsKuzzleAlgorithm("SHA512"), Is.False);
        });
    }

    [Test]
    public void Sha224_which_dotnet_lacks_matches_node()
    {
        // node: crypto.createHash('sha224').update('abc').digest('hex') (also FIPS 180-4's example)
        Assert.That(Convert.ToHexStringLower(Sha224.HashData("abc"u8)), Is.EqualTo("23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"));
        Assert.Multiple(() =>
        {
            // node: crypto.pbkdf2Sync(password, salt, 10000, 224, 'sha224').toString('hex')
            Assert.That(
                LegacyKuzzleHash.Compute(Password, Salt, "sha224", true, "hmac", "hex"),
                Is.EqualTo(
                    "bde83816e38c434cb06e8db9489e12a32ae735c2df6a1e76cc0081552bec181d26f3960a6ee92148ce2c334e99812e9ada81b886f94e1bfed2ea5836a3149481dcd57fc680e13ed1c257d98dc3333874f1be1ad6d74c515596aa79681dac9e224c414fe826773401bc3765d6f1023c36"
                    + "d49922c1b2776a14bc6f223c2bb23d38d4444be1e55871c98a64accd977b85c9f0a2819983c3ea6ac4b7baf818e1a98bf5bb7786900824381b0273e54b957359e205d8b53b1d1c1aa0cd69e027287def3c45aaf2583c24843e0dafe4372183e5bab28ae61cb86cc9064930cd1307ca33"));
            // node: crypto.createHmac('sha224', salt).update(password).digest('hex')
            Assert.That(LegacyKuzzleHash.Compute(Password, Salt, "RSA-SHA224", false, "hmac", "hex"), Is.EqualTo("31410c25d56388c6ed6eebe4123e28a87c42c74625b30cbd3d8e7293"));
            // node: crypto.createHash('sha224').update(salt + ':' + password).digest('hex')
            Assert.That(LegacyKuzzleHash.Compute(Password, Salt, "sha224", false, "hash", "hex"), Is.EqualTo("c21f67de67055d82542db383870da2eba6fdc9f0fe12ea009a2b825c"));
        });
    }

    // FIPS 180-4 / NIST CSRC example values for SHA-224 (one block, two blocks, the 896-bit message, one million 'a').
    [TestCase("", "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f")]
    [TestCase("abc", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7")]
    [TestCase("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525")]
    [TestCase("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", "c97ca9a559850ce97a04a96def6d99a9e0e0e2ab14e6b8df265fc0b3")]
    public void Sha224_matches_the_nist_example_values(string message, string digest) =>
        Assert.That(Convert.ToHexStringLower(Sha224.HashData(Encoding.ASCII.GetBytes(message))), Is.EqualTo(digest));

    [Test]
    public void Sha224_of_one_million_a_matches_the_nist_example_value() =>
        Assert.That(Convert.ToHexStringLower(Sha224.HashData(Enumerable.Repeat((byte)'a', 1_000_000).ToArray())), Is.EqualTo("20794655980c91d8bbb4c1ea97618a4bf03f42581948b2ee4ee7ad67"));

    // RFC 4231 HMAC-SHA-224 test cases 1, 2, 6 and 7 (short key, text key, and keys longer than a block, which are hashed first).
    [TestCase("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22")]
    [TestCase("4a656665", "what do ya want for nothing?", "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44")]
    [TestCase(LongKey, "Test Using Larger Than Block-Size Key - Hash Key First", "95e9a0db962095adaebe9b2d6f0dbce2d499f112f2d2b7273fa6870e")]
    [TestCase(LongKey, "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.", "3a854166ac5d9f023f54d517d0b39dbd946770db9c2b95c9f6f565d1")]
    public void Hmac_sha224_matches_rfc_4231(string hexKey, string data, string mac) =>
        Assert.That(Convert.ToHexStringLower(Sha224.Hmac(Convert.FromHexString(hexKey), Encoding.ASCII.GetBytes(data))), Is.EqualTo(mac));

    [Test]
    public void Pbkdf2_sha224_matches_openssl() =>
        // openssl kdf -keylen 40 -kdfopt digest:SHA2-224 -kdfopt pass:password -kdfopt salt:salt -kdfopt iter:4096 PBKDF2
        Assert.That(
            Convert.ToHexStringLower(Sha224.Pbkdf2("password"u8, "salt"u8, 4096, 40)),
            Is.EqualTo("218c453bf90635bd0a21a75d172703ff6108ef603f65bb821aedade1d6961683ba8f67877d2a3f73"));

    private const string LongKey =
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        + "aaaaaa";

    [Test]
    public void The_sha224_compression_agrees_with_dotnet_sha256_on_every_padding_length()
    {
        var random = new Random(7);
        for (var length = 0; length < 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.That(Sha224.Sha256ForTests(data), Is.EqualTo(SHA256.HashData(data)), $"length {length}");
        }
    }
}
