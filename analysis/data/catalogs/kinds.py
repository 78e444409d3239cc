"""What kind of model a catalog entry is, so the notebooks keep chat models and count the rest by kind.

The notebooks compare models that answer a conversation: LiteLLM's modes ``chat`` and ``responses``
(o1-pro, o3-pro, gpt-5-pro are ``responses``-only and are kept). Everything else a catalog prices
(embeddings, text-to-speech, transcription, image and video generation, rerankers, OCR, realtime voice,
legacy text completion) is set aside at import and counted under :func:`set_aside_reason`.

The kind comes from the catalog's own fields where it has them: LiteLLM's ``mode``, then (for a chat
entry) its ``supported_output_modalities`` without text (music, speech) and its audio-output price
(``output_cost_per_audio_token``: gpt-audio, gpt-4o-audio-preview); for genai-prices (which has no mode)
the price fields a model carries (an image-output, audio-output, per-character, per-page or per-audio-hour
price; an input price and no output price) and its description ("Audio model for gpt-4o", "GPT-4o fine
tuned."), then words of its id and name (``embed``, ``rerank``, ``tts``, ``whisper``, ``realtime``,
``ft:``, ``computer-use``, ``gpt-3.5-turbo-instruct``, ...), the only evidence some entries carry.

>>> litellm_kind("text-embedding-3-small", {"mode": "embedding"}), litellm_kind("o3-pro", {"mode": "responses"})
('embedding', 'responses')
>>> genai_kind("tts-1", "TTS 1", {"input_mchars"}), genai_kind("gpt-4o", "GPT-4o", {"input_mtok", "output_mtok"})
('text-to-speech', 'chat')
>>> set_aside_reason("embedding")
'not a chat model: embedding'
"""

from __future__ import annotations

import re

#: The kinds the notebooks keep.
KEPT = ("chat", "responses")

#: Every kind, with what it means (the order in which reports list them).
KINDS = {
    "chat": "a chat model (LiteLLM mode chat; genai-prices: input and output token prices, nothing else below)",
    "responses": "a Responses-API-only text model (LiteLLM mode responses: o1-pro, o3-pro, gpt-5-pro)",
    "completion": "legacy text completion without a chat API (LiteLLM mode completion)",
    "embedding": "an embedding model (input price only, or named embed/bge/gte/voyage)",
    "rerank": "a reranker",
    "moderation": "a moderation or classification model",
    "image generation": "image generation or editing (an image-output price, or LiteLLM image modes)",
    "video generation": "video generation (a video-output price, or LiteLLM video mode)",
    "text-to-speech": "text-to-speech (a per-character price, or LiteLLM audio_speech)",
    "transcription": "speech-to-text and voice priced per audio hour (or LiteLLM audio_transcription)",
    "audio output": "speech out: realtime, live and audio models (an audio-output price, or LiteLLM realtime)",
    "audio chat": "a chat model built for speech in and out (an audio-output token price, or named gpt-audio, "
                  "gpt-4o-audio-preview): priced for audio, not comparable with text models",
    "fine-tuned": "the price of running your own fine-tuned copy of a model (OpenAI's ft: ids, 'fine tuned.')",
    "computer use": "a computer-use agent model (computer-use-preview): it drives a screen, it does not chat",
    "ocr": "document OCR (a per-page price)",
    "search": "a search API (LiteLLM mode search)",
    "input price only": "a model priced on input tokens only (no output price): not comparable as a chat model",
    "no mode": "a LiteLLM entry that names no mode (a pricing bucket or an alias)",
    "other": "another LiteLLM mode (evaluation, extraction, guardrail, vector store, decisions, ...)",
}

_LITELLM_MODES = {
    "chat": "chat",
    "responses": "responses",
    "completion": "completion",
    "embedding": "embedding",
    "rerank": "rerank",
    "moderation": "moderation",
    "image_generation": "image generation",
    "image_edit": "image generation",
    "video_generation": "video generation",
    "audio_speech": "text-to-speech",
    "audio_transcription": "transcription",
    "realtime": "audio output",
    "ocr": "ocr",
    "search": "search",
}

#: Words of an id or name, checked in this order when the catalog's fields do not decide.
_WORDS = [
    ("fine-tuned", re.compile(r"(?:^|/)ft:|[.:-]ft-")),
    ("computer use", re.compile(r"computer-use")),
    ("completion", re.compile(r"\bgpt-3\.?5-turbo-instruct\b|\bbabbage\b|\bdavinci\b")),  # OpenAI's legacy completion
    ("audio chat", re.compile(r"\bgpt-(?:4o-(?:mini-)?)?audio\b")),
    ("rerank", re.compile(r"rerank")),
    ("embedding", re.compile(r"embed|\bbge\b|\bgte\b|voyage")),
    ("moderation", re.compile(r"moderation|guard")),
    ("transcription", re.compile(r"whisper|transcri")),
    ("text-to-speech", re.compile(r"\btts\b")),
    ("audio output", re.compile(r"realtime|\blive\b|native-audio|nova-(?:2-)?sonic")),
    ("image generation", re.compile(r"dall-e|imagen|gpt-image|chatgpt-image|\bimage\b|\bflux\b|stable-diffusion")),
    ("ocr", re.compile(r"\bocr\b")),
]


def litellm_kind(key: str, entry: dict) -> str:
    """The kind of a LiteLLM entry, from its ``mode``.

    >>> litellm_kind("dall-e-3", {"mode": "image_generation"}), litellm_kind("x", {"mode": "guardrail"})
    ('image generation', 'other')
    >>> litellm_kind("claude-opus-latest", {}), litellm_kind("gemini/gemini-2.5-pro-preview-tts", {"mode": "chat"})
    ('no mode', 'text-to-speech')
    """
    mode = entry.get("mode")
    if mode is None:
        return "no mode"
    kind = _LITELLM_MODES.get(str(mode), "other")
    if kind in KEPT:  # a few entries say chat for what they are not: their fields, then their id, say so
        said, word = _litellm_fields_kind(entry), _word_kind(key.lower())
        if said == "audio output" and word == "text-to-speech":  # speech out of text: the id says which
            return word
        return said or word or kind
    return kind


def _litellm_fields_kind(entry: dict) -> str | None:
    """What a chat entry's own fields say it is, when not a text chat model (``None``: they do not say).

    >>> _litellm_fields_kind({"supported_output_modalities": ["audio"]})  # gemini/lyria-3-pro-preview: music
    'audio output'
    >>> _litellm_fields_kind({"output_cost_per_audio_token": 6.4e-05}), _litellm_fields_kind({"supports_audio_output": True})
    ('audio chat', None)
    """
    out = entry.get("supported_output_modalities")
    if isinstance(out, list) and out and "text" not in out:
        for modality, kind in (("audio", "audio output"), ("image", "image generation"), ("video", "video generation")):
            if modality in out:
                return kind
    if entry.get("output_cost_per_audio_token"):
        return "audio chat"
    return None


def _word_kind(text: str) -> str | None:
    for kind, pattern in _WORDS:
        if pattern.search(text):
            return kind
    return None


#: What a genai-prices description says a model is.
_DESCRIPTIONS = [
    ("fine-tuned", re.compile(r"\bfine[- ]tuned\.?$")),  # "GPT-4o Mini fine tuned." (not "fine-tuned from ...")
    ("audio chat", re.compile(r"^audio model\b|\bgenerally available audio model\b")),
]


def genai_kind(model_id: str, name: str | None, price_fields: set[str], description: str | None = None) -> str:
    """The kind of a genai-prices model from the price fields it carries (``ModelPrice`` attributes that are
    set), its description and, where they do not decide, words of its id and name.

    >>> genai_kind("gpt-image-1", None, {"input_mtok", "output_mtok", "input_image_mtok"})
    'image generation'
    >>> genai_kind("gpt-realtime", None, {"input_mtok", "output_mtok", "output_audio_mtok"})
    'audio output'
    >>> genai_kind("voyage-3", "Voyage 3", {"input_mtok"}), genai_kind("pplx-decider-v1", None, {"input_mtok"})
    ('embedding', 'input price only')
    >>> genai_kind("whisper-large-v3", None, {"audio_hours"}), genai_kind("mistral-ocr-2505", None, {"input_document_kpages"})
    ('transcription', 'ocr')
    >>> genai_kind("gpt-4o-transcribe", None, {"input_mtok", "output_mtok", "input_audio_mtok"})
    'transcription'
    >>> genai_kind("gpt-4o-audio-preview", None, {"input_mtok", "output_mtok"}, "Audio model for gpt-4o")
    'audio chat'
    >>> genai_kind("gpt-4o-mini-2024-07-18.ft-", None, {"input_mtok", "output_mtok"}, "GPT-4o Mini fine tuned.")
    'fine-tuned'
    >>> genai_kind("devstral-small", None, {"input_mtok", "output_mtok"}, "a 24B agentic LLM fine-tuned from Mistral")
    'chat'
    """
    f = set(price_fields)
    text = f"{model_id} {name or ''}".lower()
    if "output_image_mtok" in f:
        return "image generation"
    if "output_video_mtok" in f:
        return "video generation"
    if "input_mchars" in f:
        return "text-to-speech"
    if {"input_document_kpages", "input_annotated_document_kpages"} & f:
        return "ocr"
    has_tokens = "input_mtok" in f and "output_mtok" in f
    if ("audio_hours" in f or "input_audio_hours" in f) and not has_tokens:
        return "transcription"
    said = (description or "").strip().lower()
    for kind, pattern in _DESCRIPTIONS:
        if pattern.search(said):
            return kind
    word = _word_kind(text)
    if word:
        return word
    if "output_audio_mtok" in f:
        return "audio chat" if has_tokens else "audio output"
    if "input_mtok" in f and "output_mtok" not in f:
        return "input price only"
    return "chat"


def set_aside_reason(kind: str) -> str:
    """The import report's reason for an entry of a kind the notebooks do not keep.

    >>> set_aside_reason("text-to-speech")
    'not a chat model: text-to-speech'
    """
    if kind not in KINDS:
        raise KeyError(f"model kind {kind!r} unknown, expected one of {list(KINDS)}")
    return f"{SET_ASIDE_PREFIX}{kind}"


#: How :func:`set_aside_reason` begins (the command groups these reasons into one line).
SET_ASIDE_PREFIX = "not a chat model: "
