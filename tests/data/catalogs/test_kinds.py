"""Model kinds (analysis.data.catalogs.kinds): chat and responses kept, the rest set aside and counted by kind."""

import pytest

from analysis.data.catalogs.kinds import KEPT, KINDS, genai_kind, litellm_kind, set_aside_reason

#: Real entries: LiteLLM 1.110.2 keys with their mode; genai-prices 0.2.3 models with the price fields they set.
LITELLM = [
    ("gpt-4o", "chat", "chat"),
    ("o3-pro", "responses", "responses"),
    ("gpt-5-pro", "responses", "responses"),
    ("text-embedding-3-small", "embedding", "embedding"),
    ("dall-e-3", "image_generation", "image generation"),
    ("tts-1", "audio_speech", "text-to-speech"),
    ("whisper-1", "audio_transcription", "transcription"),
    ("gpt-4o-realtime-preview", "realtime", "audio output"),
    ("gpt-3.5-turbo-instruct", "completion", "completion"),
    ("cohere/rerank-v3.5", "rerank", "rerank"),
    ("claude-opus-latest", None, "no mode"),
    ("vercel_ai_gateway/openai/gpt-3.5-turbo-instruct", "chat", "completion"),  # legacy completion, whatever the mode
    ("ft:gpt-4o-mini-2024-07-18", "chat", "fine-tuned"),
    ("computer-use-preview", "chat", "computer use"),
    ("gemini/gemini-2.5-computer-use-preview-10-2025", "chat", "computer use"),
    # the mode says chat, the id says otherwise: the id wins
    ("fireworks_ai/accounts/fireworks/models/flux-1-dev", "chat", "image generation"),
    ("gemini/gemini-2.5-pro-preview-tts", "chat", "text-to-speech"),
    ("vercel_ai_gateway/cohere/embed-v4.0", "chat", "embedding"),
]

#: Real LiteLLM 1.110.2 chat entries whose own fields say what they are (the fields that decide, as in the file).
LITELLM_FIELDS = [
    ("gpt-audio", {"mode": "chat", "input_cost_per_token": 2.5e-06, "output_cost_per_audio_token": 6.4e-05,
                   "supported_output_modalities": ["text", "audio"], "supports_audio_output": True}, "audio chat"),
    ("gpt-4o-audio-preview-2024-12-17", {"mode": "chat", "input_cost_per_audio_token": 4e-05,
                                         "output_cost_per_audio_token": 8e-05, "supports_audio_input": True,
                                         "supports_audio_output": True}, "audio chat"),
    ("azure/gpt-4o-mini-audio-preview-2024-12-17", {"mode": "chat", "output_cost_per_audio_token": 2e-05,
                                                    "supported_output_modalities": ["text", "audio"]}, "audio chat"),
    ("gemini/lyria-3-pro-preview", {"mode": "chat", "supported_modalities": ["text"],
                                    "supported_output_modalities": ["audio"], "supports_audio_output": True},
     "audio output"),
    ("gemini/gemini-2.5-pro-preview-tts", {"mode": "chat", "output_cost_per_audio_token": 2e-05,
                                           "supported_output_modalities": ["audio"]}, "text-to-speech"),
    # chat models that also take or give audio, with no audio-output price and text out: kept
    ("replicate/openai/gpt-4o", {"mode": "chat", "supports_audio_input": True, "supports_audio_output": True},
     "chat"),
    ("gemini/gemini-2.5-flash", {"mode": "chat", "input_cost_per_audio_token": 1e-06, "supports_audio_input": True,
                                 "supported_output_modalities": ["text"], "supports_audio_output": False}, "chat"),
    ("gpt-4o", {"mode": "chat", "supports_vision": True}, "chat"),
]

GENAI = [
    ("gpt-4o", "gpt 4o", {"input_mtok", "output_mtok", "cache_read_mtok", "web_searches_kcount"}, "chat"),
    ("o3-pro", None, {"input_mtok", "output_mtok"}, "chat"),
    ("deepseek-v4-flash", None, {"input_mtok", "output_mtok", "cache_read_mtok"}, "chat"),
    ("text-embedding-3-small", "text embedding 3", {"input_mtok"}, "embedding"),
    ("voyage-code-3", "Voyage Code 3", {"input_mtok"}, "embedding"),
    ("pplx-decider-v1.2", "Decider V1.2", {"input_mtok"}, "input price only"),
    ("tts-1", None, {"input_mchars"}, "text-to-speech"),
    ("gemini-2.5-flash-tts", None, {"input_mtok", "output_mtok"}, "text-to-speech"),
    ("whisper-large-v3", None, {"audio_hours", "input_audio_hours"}, "transcription"),
    ("gpt-4o-transcribe", None, {"input_audio_mtok", "input_mtok", "output_mtok"}, "transcription"),
    ("gpt-image-1", None, {"cache_image_read_mtok", "cache_read_mtok", "input_image_mtok", "input_mtok",
                           "output_mtok"}, "image generation"),
    ("gemini-2.5-flash-image", None, {"input_mtok", "output_image_mtok", "output_mtok"}, "image generation"),
    ("gemini-omni-flash-preview", None, {"input_mtok", "output_mtok", "output_video_mtok"}, "video generation"),
    ("gpt-realtime", None, {"input_mtok", "output_mtok", "output_audio_mtok", "input_audio_mtok"}, "audio output"),
    ("gpt-audio", None, {"input_mtok", "output_mtok", "output_audio_mtok", "input_audio_mtok"}, "audio chat"),
    ("gpt-3.5-turbo-instruct", "gpt 3.5 turbo instruct", {"input_mtok", "output_mtok"}, "completion"),
    ("davinci-002", None, {"input_mtok", "output_mtok"}, "completion"),
    ("computer-use", "Computer use", {"input_mtok", "output_mtok"}, "computer use"),
    ("ft:gpt-4o", None, {"input_mtok", "output_mtok"}, "fine-tuned"),
    ("llama-3.1-8b-instruct", "Llama 3.1 8B Instruct", {"input_mtok", "output_mtok"}, "chat"),  # instruct: a chat model
    ("amazon.nova-sonic-v1:0", None, {"input_audio_mtok", "input_mtok", "output_audio_mtok", "output_mtok"},
     "audio output"),
    ("mistral-ocr-2505", None, {"input_annotated_document_kpages", "input_document_kpages"}, "ocr"),
    ("llama-guard-4-12b", None, {"input_mtok", "output_mtok"}, "moderation"),
    ("@cf/baai/bge-reranker-base", "BGE Reranker Base", {"input_mtok"}, "rerank"),
]


@pytest.mark.parametrize("key, mode, kind", LITELLM)
def test_litellm_kind_from_mode(key, mode, kind):
    assert litellm_kind(key, {"mode": mode} if mode else {}) == kind


#: Real genai-prices 0.2.3 openai models whose description says what they are (ids, names and fields alone do not).
GENAI_DESCRIBED = [
    ("gpt-4o-audio-preview", "gpt 4o audio preview", "Audio model for gpt-4o", "audio chat"),
    ("gpt-4o-mini-2024-07-18.ft-", None, "GPT-4o Mini fine tuned.", "fine-tuned"),
    ("ft:gpt-3.5-turbo-", None, "GPT-3.5 Turbo fine tuned.", "fine-tuned"),
    ("devstral-small", "Devstral Small", "Devstral-Small-2505 is a 24B parameter agentic LLM fine-tuned from "
                                         "Mistral-Small-3.1, jointly developed", "chat"),
    ("gpt-4o-search-preview", "GPT-4o Search Preview", "GPT-4o Search Previewis a specialized model for web "
                                                       "search in Chat Completions.", "chat"),
]


@pytest.mark.parametrize("key, entry, kind", LITELLM_FIELDS)
def test_litellm_kind_from_the_entrys_fields(key, entry, kind):
    assert litellm_kind(key, entry) == kind


@pytest.mark.parametrize("model_id, name, description, kind", GENAI_DESCRIBED)
def test_genai_kind_from_the_description(model_id, name, description, kind):
    assert genai_kind(model_id, name, {"input_mtok", "output_mtok"}, description) == kind


@pytest.mark.parametrize("model_id, name, fields, kind", GENAI)
def test_genai_kind_from_price_fields_then_words(model_id, name, fields, kind):
    assert genai_kind(model_id, name, fields) == kind


def test_reasons_and_kept():
    assert KEPT == ("chat", "responses") and set(KEPT) <= set(KINDS)
    assert set_aside_reason("embedding") == "not a chat model: embedding"
    with pytest.raises(KeyError, match="model kind 'speech' unknown"):
        set_aside_reason("speech")


def test_real_catalogs_count_what_they_set_aside(genai_import):
    r = genai_import.report
    ep = genai_import.endpoints
    assert {"o3-pro", "o1-pro"} <= set(ep.api_model_id)  # responses-style models stay
    assert not ep.api_model_id.str.contains("embedding|whisper|tts-1|dall-e").any()
    kinds = {why.removeprefix("not a chat model: "): n for why, n in r.set_aside.items()}
    assert kinds["embedding"] >= 40 and kinds["text-to-speech"] >= 5 and kinds["image generation"] >= 10
    assert r.entries_read == len(set(ep.source_key)) + sum(r.set_aside.values())


def test_real_genai_sets_aside_audio_fine_tuned_legacy_and_computer_use(genai_import):
    ep = genai_import.endpoints
    kept = set(ep.source_key)
    gone = {"openai/gpt-4o-audio-preview", "openai/gpt-audio", "openai/gpt-3.5-turbo-instruct", "openai/computer-use",
            "openai/gpt-4o-mini-2024-07-18.ft-", "openai/ft:gpt-4o", "openai/davinci-002"}
    assert not gone & kept and {"openai/gpt-4o", "openai/gpt-4o-search-preview", "openai/o3-pro"} <= kept
    kinds = {why.removeprefix("not a chat model: "): n for why, n in genai_import.report.set_aside.items()}
    assert kinds["audio chat"] >= 4 and kinds["fine-tuned"] >= 4 and kinds["computer use"] >= 1
    assert kinds["completion"] >= 8


def test_real_litellm_keeps_responses_models(litellm_import):
    r = litellm_import.report
    keys = set(litellm_import.endpoints.source_key)
    assert {"o1-pro", "o3-pro", "gpt-5-pro"} <= keys and "text-embedding-3-small" not in keys
    assert r.set_aside["not a chat model: embedding"] >= 100
    assert r.set_aside["not a chat model: completion"] >= 10  # legacy text completion: not a chat model
    gone = {"gpt-audio", "gpt-4o-audio-preview-2024-12-17", "ft:gpt-4o-mini-2024-07-18", "computer-use-preview",
            "gemini/lyria-3-pro-preview", "vercel_ai_gateway/openai/gpt-3.5-turbo-instruct"}
    assert not gone & keys and {"gpt-4o", "gemini/gemini-2.5-flash"} <= keys
    assert (r.set_aside["not a chat model: audio chat"], r.set_aside["not a chat model: fine-tuned"],
            r.set_aside["not a chat model: computer use"]) == (17, 12, 7)  # LiteLLM 1.110.2
