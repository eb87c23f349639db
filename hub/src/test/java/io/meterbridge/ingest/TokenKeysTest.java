package io.meterbridge.ingest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Token keys: prod refuses a short or the default-run key at start-up; key ids are short and tokens carry them. */
class TokenKeysTest {

    @Test
    void prodRefusesAShortOrTheDefaultKey() {
        assertThatThrownBy(() -> Tokenizer.checkKey("k1", "short-key", true)).hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> Tokenizer.checkKey("k1", Tokenizer.DEFAULT_RUN_KEY, true))
                .hasMessageContaining("not the default-run key");
        assertThatCode(() -> Tokenizer.checkKey("k2", "0123456789abcdef0123456789abcdef", true)).doesNotThrowAnyException();
        // the default run accepts its own key
        assertThatCode(() -> Tokenizer.checkKey("k1", Tokenizer.DEFAULT_RUN_KEY, false)).doesNotThrowAnyException();
    }

    @Test
    void keyIdsAreShortLowerCaseNames() {
        assertThatThrownBy(() -> Tokenizer.checkKey("Key_1", "x".repeat(40), false)).hasMessageContaining("key-id");
        assertThatThrownBy(() -> Tokenizer.checkKey("", "x".repeat(40), false)).hasMessageContaining("key-id");
    }

    @Test
    void tokensOfEveryKeyIdAndOfTheShapeBeforeKeyIdsAreRecognised() {
        String digest = "A".repeat(43);
        assertThat(Tokenizer.isToken("tok_k1_" + digest)).isTrue();
        assertThat(Tokenizer.isToken("tok_2027a_" + digest)).isTrue();
        assertThat(Tokenizer.isToken("tok_" + digest)).isTrue();
        assertThat(Tokenizer.isToken("tok_k1_" + digest.substring(1))).isFalse();
        assertThat(Tokenizer.isToken("alice@example.com")).isFalse();
    }

    @Test
    void sourceSecretsRefuseTheDefaultKeyWhereAStrongOneIsRequired() {
        assertThatThrownBy(() -> new SourceSecrets(settings(SourceSecrets.DEFAULT_RUN_KEY, true)))
                .hasMessageContaining("HUB_SOURCE_SECRETS_KEY");
        SourceSecrets secrets = new SourceSecrets(settings("0123456789abcdef0123456789abcdef", true));
        String sealed = secrets.encrypt("a-secret");
        assertThat(sealed).startsWith("enc:v1:").doesNotContain("a-secret");
        assertThat(secrets.decrypt(sealed)).isEqualTo("a-secret");
        assertThatThrownBy(() -> new SourceSecrets(settings("another-key-0123456789abcdef01234", true)).decrypt(sealed))
                .hasMessageContaining("cannot be decrypted");
    }

    private static SourceSecrets.Settings settings(String key, boolean strong) {
        return new SourceSecrets.Settings() {
            @Override
            public String encryptionKey() {
                return key;
            }

            @Override
            public boolean requireStrongKey() {
                return strong;
            }
        };
    }
}
