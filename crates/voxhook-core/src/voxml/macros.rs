//! Builder boilerplate: verb newtypes over [`Node`](super::node::Node) and typed attribute setters.

/// Declares a verb builder: a newtype over `Node`.
macro_rules! verb_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(pub(crate) $crate::voxml::node::Node);
    };
}

/// Typed attribute setters: `fn name: kind => Attr,` where kind is `str`,
/// `u32`, `bool`, `track`, or an enum type with `as_str()`.
macro_rules! setters {
    ($ty:ident { $($(#[$m:meta])* $fn:ident: $kind:tt => $attr:ident,)* }) => {
        impl $ty {
            $( setters!(@one $(#[$m])* $fn $kind $attr); )*
        }
    };
    (@one $(#[$m:meta])* $fn:ident str $attr:ident) => {
        $(#[$m])*
        #[must_use]
        pub fn $fn(mut self, value: impl Into<String>) -> Self {
            self.0.set($crate::voxml::node::Attr::$attr, $crate::voxml::node::Value::Str(value.into()));
            self
        }
    };
    (@one $(#[$m:meta])* $fn:ident u32 $attr:ident) => {
        $(#[$m])*
        #[must_use]
        pub fn $fn(mut self, value: u32) -> Self {
            self.0.set($crate::voxml::node::Attr::$attr, $crate::voxml::node::Value::UInt(u64::from(value)));
            self
        }
    };
    (@one $(#[$m:meta])* $fn:ident bool $attr:ident) => {
        $(#[$m])*
        #[must_use]
        pub fn $fn(mut self, value: bool) -> Self {
            self.0.set($crate::voxml::node::Attr::$attr, $crate::voxml::node::Value::Bool(value));
            self
        }
    };
    (@one $(#[$m:meta])* $fn:ident track $attr:ident) => {
        $(#[$m])*
        #[must_use]
        pub fn $fn(mut self, value: $crate::voxml::Track) -> Self {
            self.0.set($crate::voxml::node::Attr::$attr, $crate::voxml::node::Value::Track(value));
            self
        }
    };
    (@one $(#[$m:meta])* $fn:ident $kind:ident $attr:ident) => {
        $(#[$m])*
        #[must_use]
        pub fn $fn(mut self, value: $kind) -> Self {
            self.0.set($crate::voxml::node::Attr::$attr, $crate::voxml::node::Value::Static(value.as_str()));
            self
        }
    };
}

/// `From<&str>`, `From<String>` and `From<&String>` for a verb built from one string.
macro_rules! from_text {
    ($ty:ident) => {
        impl From<&str> for $ty {
            fn from(value: &str) -> Self {
                $ty::new(value)
            }
        }
        impl From<String> for $ty {
            fn from(value: String) -> Self {
                $ty::new(value)
            }
        }
        impl From<&String> for $ty {
            fn from(value: &String) -> Self {
                $ty::new(value.as_str())
            }
        }
    };
}

/// A dialect's (or the portable) `Response`: a list of top-level nodes.
macro_rules! response_type {
    ($dialect:expr; $(#[$m:meta])*) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct Response {
            pub(crate) nodes: Vec<$crate::voxml::node::Node>,
        }

        impl Response {
            /// An empty document.
            pub fn new() -> Self {
                Response::default()
            }

            /// Whether no verb was added.
            pub fn is_empty(&self) -> bool {
                self.nodes.is_empty()
            }

            /// Renders this document for `provider`; see [`Document::render`](crate::voxml::Document::render).
            ///
            /// # Errors
            ///
            /// As [`Document::render`](crate::voxml::Document::render).
            pub fn render(
                &self,
                provider: $crate::Provider,
            ) -> Result<$crate::voxml::Rendered, $crate::voxml::VoxmlError> {
                $crate::voxml::Document::render_nodes($dialect, &self.nodes, provider)
            }

            fn push(mut self, node: $crate::voxml::node::Node) -> Self {
                self.nodes.push(node);
                self
            }
        }

        impl From<Response> for $crate::voxml::Document {
            fn from(response: Response) -> Self {
                $crate::voxml::Document {
                    dialect: $dialect,
                    nodes: response.nodes,
                }
            }
        }
    };
}

/// Methods adding verbs to a `Response`, or children to a container verb:
/// `fn name: Type,` takes `impl Into<Type>`.
macro_rules! adders {
    (Response { $($(#[$m:meta])* $fn:ident: $ty:ident,)* }) => {
        impl Response {
            $(
                $(#[$m])*
                #[must_use]
                pub fn $fn(self, verb: impl Into<$ty>) -> Self {
                    self.push(verb.into().0)
                }
            )*
        }
    };
    ($parent:ident { $($(#[$m:meta])* $fn:ident: $ty:ident,)* }) => {
        impl $parent {
            $(
                $(#[$m])*
                #[must_use]
                pub fn $fn(mut self, child: impl Into<$ty>) -> Self {
                    self.0.children.push(child.into().0);
                    self
                }
            )*
        }
    };
}

/// A verb builder with a `new()` taking no argument (and `Default`).
macro_rules! empty_verb {
    ($(#[$m:meta])* $name:ident => $verb:ident) => {
        verb_type!($(#[$m])* $name);

        impl $name {
            /// The verb with no attributes set.
            pub fn new() -> Self {
                $name($crate::voxml::node::Node::new($crate::voxml::node::Verb::$verb))
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::new()
            }
        }
    };
}

/// A verb builder whose `new(text)` sets its text content (a URL, a number, what to say).
macro_rules! text_verb {
    ($(#[$m:meta])* $name:ident => $verb:ident, $arg:ident) => {
        verb_type!($(#[$m])* $name);

        impl $name {
            #[doc = concat!("The verb with its `", stringify!($arg), "`.")]
            pub fn new($arg: impl Into<String>) -> Self {
                $name($crate::voxml::node::Node::with_text(
                    $crate::voxml::node::Verb::$verb,
                    $arg.into(),
                ))
            }
        }

        from_text!($name);
    };
}

/// A verb builder whose `new(value)` sets one required attribute.
macro_rules! attr_verb {
    ($(#[$m:meta])* $name:ident => $verb:ident, $arg:ident: $attr:ident) => {
        verb_type!($(#[$m])* $name);

        impl $name {
            #[doc = concat!("The verb with its `", stringify!($arg), "`.")]
            pub fn new($arg: impl Into<String>) -> Self {
                let mut node = $crate::voxml::node::Node::new($crate::voxml::node::Verb::$verb);
                node.set(
                    $crate::voxml::node::Attr::$attr,
                    $crate::voxml::node::Value::Str($arg.into()),
                );
                $name(node)
            }
        }
    };
}
