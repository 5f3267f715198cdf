"""The text machinery below the rules: whitespace-blind keys, shingles, MinHash and band keys,
the sorting and grouping of dataset reduces, language identification, tokenizers, and the
one-pass content scanner. It imports nothing above it.
"""
