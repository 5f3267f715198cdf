"""Built-in rules, one module per family, registered through the plugin hook."""
