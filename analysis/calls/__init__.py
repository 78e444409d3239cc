"""Calls through the gateway: the client, the streaming harness, latency statistics, and the local emulator with its fault kinds."""
