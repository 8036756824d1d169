"""The demo site's text in the six languages (really in each language and script)."""

LANGS = ["fr", "en", "ru", "uk", "hy", "es"]

HOME = {
    "fr": ("Accueil", "Dermatologie et médecine esthétique",
           "Des soins de la peau attentifs, à Paris et à Lyon.",
           "Notre équipe de dermatologues vous accueille pour le diagnostic, le suivi et le traitement de toutes "
           "les maladies de la peau, des cheveux et des ongles."),
    "en": ("Home", "Dermatology and aesthetic medicine", "Attentive skin care, in Paris and Lyon.",
           "Our team of dermatologists welcomes you for the diagnosis, follow-up and treatment of every condition "
           "of the skin, hair and nails."),
    "ru": ("Главная", "Дерматология и эстетическая медицина", "Внимательный уход за кожей в Париже и Лионе.",
           "Наши дерматологи проводят диагностику, наблюдение и лечение любых заболеваний кожи, волос и ногтей."),
    "uk": ("Головна", "Дерматологія та естетична медицина", "Дбайливий догляд за шкірою в Парижі та Ліоні.",
           "Наші дерматологи проводять діагностику, спостереження та лікування будь-яких захворювань шкіри, "
           "волосся та нігтів."),
    "hy": ("Գլխավոր", "Մաշկաբանություն և գեղագիտական բժշկություն", "Մաշկի ուշադիր խնամք Փարիզում և Լիոնում։",
           "Մեր մաշկաբանները ախտորոշում, հսկում և բուժում են մաշկի, մազերի և եղունգների բոլոր հիվանդությունները։"),
    "es": ("Inicio", "Dermatología y medicina estética", "Cuidado atento de la piel, en París y Lyon.",
           "Nuestro equipo de dermatólogos le atiende para el diagnóstico, el seguimiento y el tratamiento de "
           "todas las enfermedades de la piel, el cabello y las uñas."),
}

ABOUT = {  # title, introduction, paragraph
    "fr": ("À propos", "Une clinique de dermatologie indépendante depuis 2009.",
           "Nous prenons le temps d'écouter chaque patient et de lui expliquer son traitement."),
    "en": ("About us", "An independent dermatology clinic since 2009.",
           "We take the time to listen to every patient and to explain their treatment."),
    "ru": ("О нас", "Независимая дерматологическая клиника с 2009 года.",
           "Мы находим время выслушать каждого пациента и объяснить ему лечение."),
    "uk": ("Про нас", "Незалежна дерматологічна клініка з 2009 року.",
           "Ми знаходимо час вислухати кожного пацієнта та пояснити йому лікування."),
    "hy": ("Մեր մասին", "Անկախ մաշկաբանական կլինիկա՝ 2009 թվականից։",
           "Մենք ժամանակ ենք գտնում լսելու յուրաքանչյուր հիվանդի և բացատրելու նրա բուժումը։"),
    "es": ("Quiénes somos", "Una clínica dermatológica independiente desde 2009.",
           "Dedicamos tiempo a escuchar a cada paciente y a explicarle su tratamiento."),
}

SERVICES_INDEX = {
    "fr": ("Nos soins", "Consultations et traitements proposés dans nos deux cliniques."),
    "en": ("Our services", "Consultations and treatments offered in both our clinics."),
    "ru": ("Наши услуги", "Консультации и процедуры в обеих наших клиниках."),
    "uk": ("Наші послуги", "Консультації та процедури в обох наших клініках."),
    "hy": ("Մեր ծառայությունները", "Խորհրդատվություններ և բուժումներ մեր երկու կլինիկաներում։"),
    "es": ("Nuestros servicios", "Consultas y tratamientos en nuestras dos clínicas."),
}

SERVICES = [  # slug, order, {lang: (title, summary, description, price hint)}
    ("medical-dermatology", 1, {
        "fr": ("Dermatologie médicale", "Acné, eczéma, psoriasis, chute de cheveux.",
               "Une consultation complète pour diagnostiquer et traiter les maladies de la peau.", "À partir de 60 €"),
        "en": ("Medical dermatology", "Acne, eczema, psoriasis, hair loss.",
               "A thorough consultation to diagnose and treat skin diseases.", "From €60"),
        "ru": ("Медицинская дерматология", "Акне, экзема, псориаз, выпадение волос.",
               "Полная консультация для диагностики и лечения кожных заболеваний.", "От 60 €"),
        "uk": ("Медична дерматологія", "Акне, екзема, псоріаз, випадіння волосся.",
               "Повна консультація для діагностики та лікування захворювань шкіри.", "Від 60 €"),
        "hy": ("Բժշկական մաշկաբանություն", "Պզուկներ, էկզեմա, պսորիազ, մազաթափություն։",
               "Մանրակրկիտ խորհրդատվություն՝ մաշկի հիվանդությունների ախտորոշման և բուժման համար։", "60 €-ից"),
        "es": ("Dermatología médica", "Acné, eccema, psoriasis, caída del cabello.",
               "Una consulta completa para diagnosticar y tratar las enfermedades de la piel.", "Desde 60 €"),
    }),
    ("laser-treatments", 2, {
        "fr": ("Traitements laser", "Taches, rougeurs, cicatrices et épilation.",
               "Des lasers médicaux utilisés par des dermatologues, après un bilan de votre peau.", "Sur devis"),
        "en": ("Laser treatments", "Dark spots, redness, scars and hair removal.",
               "Medical lasers used by dermatologists, after an assessment of your skin.", "On quotation"),
        "ru": ("Лазерные процедуры", "Пигментные пятна, покраснения, рубцы и эпиляция.",
               "Медицинские лазеры в руках дерматологов после оценки состояния кожи.", "По смете"),
        "uk": ("Лазерні процедури", "Пігментні плями, почервоніння, рубці та епіляція.",
               "Медичні лазери в руках дерматологів після оцінки стану шкіри.", "За кошторисом"),
        "hy": ("Լազերային բուժումներ", "Բծեր, կարմրություն, սպիներ և մազահեռացում։",
               "Բժշկական լազերներ՝ մաշկաբանների կողմից, ձեր մաշկի գնահատումից հետո։", "Ըստ նախահաշվի"),
        "es": ("Tratamientos láser", "Manchas, rojeces, cicatrices y depilación.",
               "Láseres médicos utilizados por dermatólogos, tras una evaluación de su piel.", "Según presupuesto"),
    }),
    ("skin-cancer-screening", 3, {
        "fr": ("Dépistage des cancers de la peau", "Examen complet des grains de beauté.",
               "Un examen de tout le corps au dermatoscope, avec suivi photographique si besoin.", "60 €"),
        "en": ("Skin cancer screening", "A full check of your moles.",
               "A whole-body examination with a dermatoscope, with photographic follow-up when needed.", "€60"),
        "ru": ("Скрининг рака кожи", "Полный осмотр родинок.",
               "Осмотр всего тела с дерматоскопом и, при необходимости, фотоконтроль.", "60 €"),
        "uk": ("Скринінг раку шкіри", "Повний огляд родимок.",
               "Огляд усього тіла з дерматоскопом і, за потреби, фотоконтроль.", "60 €"),
        "hy": ("Մաշկի քաղցկեղի սքրինինգ", "Խալերի ամբողջական զննում։",
               "Ամբողջ մարմնի զննում դերմատոսկոպով, անհրաժեշտության դեպքում՝ լուսանկարային հսկողությամբ։",
               "60 €"),
        "es": ("Detección del cáncer de piel", "Revisión completa de sus lunares.",
               "Un examen de todo el cuerpo con dermatoscopio, con seguimiento fotográfico si es necesario.",
               "60 €"),
    }),
]

TEAM_PAGE = {
    "fr": ("L'équipe", "Des médecins et des soignants à votre écoute."),
    "en": ("Our team", "Doctors and carers who listen to you."),
    "ru": ("Наша команда", "Врачи и медсёстры, которые вас выслушают."),
    "uk": ("Наша команда", "Лікарі та медсестри, які вас вислухають."),
    "hy": ("Մեր թիմը", "Բժիշկներ և բուժքույրեր, ովքեր լսում են ձեզ։"),
    "es": ("Nuestro equipo", "Médicos y enfermeras que le escuchan."),
}

STAFF = [  # key, order, {lang: (name, role, bio)}
    ("claire-dubois", 1, {
        "fr": ("Dr Claire Dubois", "Dermatologue", "Spécialiste du dépistage des cancers de la peau."),
        "en": ("Dr Claire Dubois", "Dermatologist", "Specialist in skin cancer screening."),
        "ru": ("Д-р Клер Дюбуа", "Дерматолог", "Специалист по скринингу рака кожи."),
        "uk": ("Д-р Клер Дюбуа", "Дерматологиня", "Фахівчиня зі скринінгу раку шкіри."),
        "hy": ("Դոկտ. Կլեր Դյուբուա", "Մաշկաբան", "Մաշկի քաղցկեղի սքրինինգի մասնագետ։"),
        "es": ("Dra. Claire Dubois", "Dermatóloga", "Especialista en detección del cáncer de piel."),
    }),
    ("marc-lefevre", 2, {
        "fr": ("Dr Marc Lefèvre", "Dermatologue, lasers", "Vingt ans d'expérience des traitements laser."),
        "en": ("Dr Marc Lefèvre", "Dermatologist, lasers", "Twenty years of experience with laser treatments."),
        "ru": ("Д-р Марк Лефевр", "Дерматолог, лазеры", "Двадцать лет опыта лазерных процедур."),
        "uk": ("Д-р Марк Лефевр", "Дерматолог, лазери", "Двадцять років досвіду лазерних процедур."),
        "hy": ("Դոկտ. Մարկ Լըֆևր", "Մաշկաբան, լազերներ", "Լազերային բուժումների քսան տարվա փորձ։"),
        "es": ("Dr. Marc Lefèvre", "Dermatólogo, láser", "Veinte años de experiencia en tratamientos láser."),
    }),
    ("anna-petrosyan", 3, {
        "fr": ("Anna Petrossian", "Infirmière", "Elle vous accompagne avant et après chaque soin."),
        "en": ("Anna Petrosyan", "Nurse", "She looks after you before and after every treatment."),
        "ru": ("Анна Петросян", "Медсестра", "Она сопровождает вас до и после каждой процедуры."),
        "uk": ("Анна Петросян", "Медсестра", "Вона супроводжує вас до і після кожної процедури."),
        "hy": ("Աննա Պետրոսյան", "Բուժքույր", "Նա ձեզ ուղեկցում է յուրաքանչյուր բուժումից առաջ և հետո։"),
        "es": ("Anna Petrosyan", "Enfermera", "Le acompaña antes y después de cada tratamiento."),
    }),
]

BLOG_INDEX = {
    "fr": ("Blog", "Conseils de nos dermatologues."),
    "en": ("Blog", "Advice from our dermatologists."),
    "ru": ("Блог", "Советы наших дерматологов."),
    "uk": ("Блог", "Поради наших дерматологів."),
    "hy": ("Բլոգ", "Մեր մաշկաբանների խորհուրդները։"),
    "es": ("Blog", "Consejos de nuestros dermatólogos."),
}

POSTS = [  # slug, days ago, tags, {lang: (title, excerpt, paragraph)}
    ("sun-protection", 40, ["sun", "prevention"], {
        "fr": ("Bien se protéger du soleil", "Les bons gestes pour l'été.",
               "Appliquez une crème d'indice 50 toutes les deux heures et évitez le soleil entre 12 h et 16 h."),
        "en": ("Protecting yourself from the sun", "Good habits for the summer.",
               "Apply SPF 50 sunscreen every two hours and avoid the sun between noon and 4 pm."),
        "ru": ("Как защититься от солнца", "Правильные привычки на лето.",
               "Наносите крем SPF 50 каждые два часа и избегайте солнца с 12 до 16 часов."),
        "uk": ("Як захиститися від сонця", "Правильні звички на літо.",
               "Наносьте крем SPF 50 кожні дві години та уникайте сонця з 12 до 16 години."),
        "hy": ("Ինչպես պաշտպանվել արևից", "Ճիշտ սովորություններ ամռան համար։",
               "Քսեք SPF 50 կրեմ յուրաքանչյուր երկու ժամը մեկ և խուսափեք արևից ժամը 12-ից 16-ը։"),
        "es": ("Protegerse del sol", "Buenos hábitos para el verano.",
               "Aplique protector solar SPF 50 cada dos horas y evite el sol entre las 12 y las 16 h."),
    }),
    ("acne-adults", 20, ["acne"], {
        "fr": ("L'acné de l'adulte", "Elle se soigne, même après 25 ans.",
               "L'acné touche aussi les adultes ; un traitement adapté donne de bons résultats en quelques mois."),
        "en": ("Adult acne", "It can be treated, even after 25.",
               "Acne also affects adults; the right treatment gives good results within a few months."),
        "ru": ("Акне у взрослых", "Его можно вылечить и после 25 лет.",
               "Акне бывает и у взрослых; подходящее лечение даёт хороший результат за несколько месяцев."),
        "uk": ("Акне у дорослих", "Його можна вилікувати й після 25 років.",
               "Акне буває й у дорослих; правильне лікування дає добрий результат за кілька місяців."),
        "hy": ("Մեծահասակների պզուկներ", "Դրանք բուժելի են նաև 25 տարեկանից հետո։",
               "Պզուկները լինում են նաև մեծահասակների մոտ․ ճիշտ բուժումը լավ արդյունք է տալիս մի քանի ամսում։"),
        "es": ("El acné en adultos", "Se trata, incluso después de los 25.",
               "El acné también afecta a los adultos; un tratamiento adecuado da buenos resultados en pocos meses."),
    }),
    ("moles-check", 5, ["prevention", "moles"], {
        "fr": ("Surveiller ses grains de beauté", "La règle ABCDE expliquée.",
               "Asymétrie, bords irréguliers, couleur variable, diamètre et évolution : consultez au moindre doute."),
        "en": ("Keeping an eye on your moles", "The ABCDE rule explained.",
               "Asymmetry, irregular borders, uneven colour, diameter and evolution: see a doctor if in doubt."),
        "ru": ("Следите за родинками", "Правило ABCDE.",
               "Асимметрия, неровные края, неоднородный цвет, диаметр и изменения: при сомнении обратитесь к врачу."),
        "uk": ("Стежте за родимками", "Правило ABCDE.",
               "Асиметрія, нерівні краї, неоднорідний колір, діаметр і зміни: у разі сумніву зверніться до лікаря."),
        "hy": ("Հետևեք ձեր խալերին", "ABCDE կանոնը։",
               "Անհամաչափություն, անհարթ եզրեր, անհավասար գույն, տրամագիծ և փոփոխություն․ կասկածի դեպքում "
               "դիմեք բժշկի։"),
        "es": ("Vigilar los lunares", "La regla ABCDE explicada.",
               "Asimetría, bordes irregulares, color desigual, diámetro y evolución: consulte ante cualquier duda."),
    }),
]

PROMOTION = {
    "fr": ("Mois du dépistage", "Ce mois-ci, le dépistage des grains de beauté est à <b>50 €</b> au lieu de 60 €."),
    "en": ("Screening month", "This month, mole screening costs <b>€50</b> instead of €60."),
    "ru": ("Месяц скрининга", "В этом месяце осмотр родинок стоит <b>50 €</b> вместо 60 €."),
    "uk": ("Місяць скринінгу", "Цього місяця огляд родимок коштує <b>50 €</b> замість 60 €."),
    "hy": ("Սքրինինգի ամիս", "Այս ամիս խալերի զննումն արժե <b>50 €</b>՝ 60 €-ի փոխարեն։"),
    "es": ("Mes de la detección", "Este mes, la revisión de lunares cuesta <b>50 €</b> en lugar de 60 €."),
}

CONTACT = {
    "fr": ("Contact", "Écrivez-nous ou demandez un rendez-vous : nous vous répondons sous 48 heures.",
           "Merci, nous vous répondrons rapidement."),
    "en": ("Contact", "Write to us or ask for an appointment: we reply within 48 hours.",
           "Thank you, we will reply soon."),
    "ru": ("Контакты", "Напишите нам или запишитесь на приём: мы ответим в течение 48 часов.",
           "Спасибо, мы скоро ответим."),
    "uk": ("Контакти", "Напишіть нам або запишіться на прийом: ми відповімо протягом 48 годин.",
           "Дякуємо, ми скоро відповімо."),
    "hy": ("Կապ", "Գրեք մեզ կամ խնդրեք այց․ մենք կպատասխանենք 48 ժամվա ընթացքում։",
           "Շնորհակալություն, մենք շուտով կպատասխանենք։"),
    "es": ("Contacto", "Escríbanos o pida una cita: respondemos en 48 horas.",
           "Gracias, le responderemos pronto."),
}

IMAGES = {  # key: (title, alt text in French, colour)
    "hero": ("Accueil de la clinique", "Salle d'attente lumineuse de la clinique", (11, 85, 99)),
    "medical-dermatology": ("Consultation", "Dermatologue examinant la peau d'un patient", (46, 110, 140)),
    "laser-treatments": ("Laser", "Appareil laser médical dans une salle de soins", (120, 70, 140)),
    "skin-cancer-screening": ("Dermatoscope", "Examen d'un grain de beauté au dermatoscope", (150, 90, 40)),
    "sun-protection": ("Soleil", "Flacon de crème solaire sur une serviette de plage", (200, 140, 20)),
    "acne-adults": ("Soin du visage", "Jeune adulte appliquant un soin sur son visage", (60, 130, 90)),
    "moles-check": ("Grains de beauté", "Schéma de la règle ABCDE des grains de beauté", (90, 60, 50)),
    "claire-dubois": ("Claire Dubois", "Portrait du docteur Claire Dubois", (70, 90, 120)),
    "marc-lefevre": ("Marc Lefèvre", "Portrait du docteur Marc Lefèvre", (90, 110, 80)),
    "anna-petrosyan": ("Anna Petrosyan", "Portrait d'Anna Petrosyan, infirmière", (130, 80, 100)),
}
